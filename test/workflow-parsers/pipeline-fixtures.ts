// Test helper: paths of the real pipelines vendored under test/fixtures/pipelines (each with LICENSE and SOURCE.md).
import * as path from "path";

export const PIPELINES = path.join(__dirname, "..", "fixtures", "pipelines");
export const WARP = path.join(PIPELINES, "broadinstitute-warp");
export const WARP_WGS = path.join(WARP, "pipelines/wdl/dna_seq/germline/single_sample/wgs");
export const FIVE_DOLLAR = path.join(PIPELINES, "gatk-workflows-five-dollar-genome-analysis-pipeline");
export const UP = "../../../../../../";

/**
 * Every file WholeGenomeGermlineSingleSample.wdl's imports reach, as warp lays them out (see the fixture's
 * SOURCE.md).
 */
export const WGS_IMPORTS_OUTSIDE = [
    `${UP}structs/dna_seq/DNASeqStructs.wdl`,
    ...[
        "AggregatedBamQC",
        "Alignment",
        "BamProcessing",
        "BamToCram",
        "DragenTasks",
        "DragmapAlignment",
        "GermlineVariantDiscovery",
        "Qc",
        "SplitLargeReadGroup",
        "UnmappedBamToAlignedBam",
        "Utilities",
    ].map(name => `${UP}tasks/wdl/${name}.wdl`),
    "../../variant_calling/VariantCalling.wdl",
];
