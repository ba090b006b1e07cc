// Pulumi entry point: see README.md and components/omics-registry-maps.ts.
import { runOmicsRegistryMaps } from "./components/omics-registry-maps";

export = runOmicsRegistryMaps();
