// CrossGuard policy pack: the pull-through cache and HealthOmics-copy prefixes must line up across every resource
// that names them. Levels and organization settings come from `pulumi policy enable --config` /
// `--policy-pack-config`; see docs/policy-pack.md.
import { OmicsRegistryMapsPolicies } from "./pack-options";

new OmicsRegistryMapsPolicies();
