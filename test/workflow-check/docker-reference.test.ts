// Image references as written (real @swimlane/docker-reference grammar underneath): host, path, normalized form,
// pinning.
import * as assert from "assert/strict";
import { parseImageReference, pinning, writtenHost } from "../../policy-pack/rules/docker-reference";

function parsed(text: string) {
    const result = parseImageReference(text);
    assert.ok(result.ok, `${text} should parse: ${result.ok ? "" : result.error}`);
    return result.reference;
}

describe("docker-reference: parsing an image as written", () => {
    it("a bare name is Docker Hub's library/ image, :latest when normalized", () => {
        const ref = parsed("ubuntu");
        assert.equal(ref.host, undefined);
        assert.equal(ref.path, "ubuntu");
        assert.equal(ref.normalized, "docker.io/library/ubuntu:latest");
        assert.equal(pinning(ref), "unpinned");
    });

    it("docker.io and index.docker.io normalize to docker.io/library/..., the host as written is kept", () => {
        for (const text of ["docker.io/ubuntu:22.04", "index.docker.io/library/ubuntu:22.04"]) {
            const ref = parsed(text);
            assert.equal(ref.normalized, "docker.io/library/ubuntu:22.04", text);
        }
        assert.equal(parsed("docker.io/ubuntu:22.04").host, "docker.io");
        assert.equal(parsed("docker.io/ubuntu:22.04").path, "ubuntu");
        assert.equal(parsed("index.docker.io/library/ubuntu:22.04").host, "index.docker.io");
    });

    it("a first component with '.', ':' or localhost is a host; otherwise the path starts there", () => {
        assert.equal(writtenHost("quay.io/biocontainers/samtools:1.17"), "quay.io");
        assert.equal(writtenHost("localhost:5000/tool:1"), "localhost:5000");
        assert.equal(writtenHost("localhost/tool:1"), "localhost");
        assert.equal(writtenHost("broadinstitute/gatk:4.6.0.2"), undefined);
        assert.equal(writtenHost("ubuntu:22.04"), undefined);
    });

    it("splits tag and digest off the path", () => {
        const digest = `sha256:${"ab".repeat(32)}`;
        const ref = parsed(`quay.io/biocontainers/samtools:1.17--h00cdaf9_0@${digest}`);
        assert.equal(ref.path, "biocontainers/samtools");
        assert.equal(ref.tag, "1.17--h00cdaf9_0");
        assert.equal(ref.digest, digest);
        assert.equal(ref.normalized, `quay.io/biocontainers/samtools:1.17--h00cdaf9_0@${digest}`);
        assert.equal(pinning(ref), "digest");
        assert.equal(parsed(`ubuntu@${digest}`).normalized, `docker.io/library/ubuntu@${digest}`);
    });

    it("pinning: a tag other than latest is a tag; latest and no tag are unpinned", () => {
        assert.equal(pinning(parsed("broadinstitute/gatk:4.6.0.2")), "tag");
        assert.equal(pinning(parsed("broadinstitute/gatk:latest")), "unpinned");
        assert.equal(pinning(parsed("broadinstitute/gatk")), "unpinned");
    });

    it("refuses uppercase repositories, spaces, short digests and empty text", () => {
        for (const text of [
            "Ubuntu:22.04",
            "quay.io/BioContainers/samtools:1",
            "ubuntu 22.04",
            " ubuntu",
            "ubuntu@sha256:abc",
            "",
            "quay.io/x:bad tag",
        ]) {
            const result = parseImageReference(text);
            assert.equal(result.ok, false, text);
        }
    });
});
