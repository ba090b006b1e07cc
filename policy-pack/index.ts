// CrossGuard policy pack: the pull-through cache prefixes must line up across every resource that names them.
import { PolicyPack } from "@pulumi/policy";
import { policies } from "./policies";

new PolicyPack("omics-registry-maps", {
    description: "ECR pull-through cache for AWS HealthOmics: rules, creation templates, registry policy, service role, credential secrets and container registry maps agree on their prefixes.",
    enforcementLevel: "mandatory",
    policies,
});
