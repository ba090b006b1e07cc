// The error every rollout check throws: all problems at once; the command prints them and exits 2.

export class RolloutRefusal extends Error {
    constructor(readonly problems: string[]) {
        super(problems.join("\n"));
        this.name = "RolloutRefusal";
    }
}
