// Mocha's spec reporter, plus one closing line in the plain "N passed, N failed" form CI reads.
import * as Mocha from "mocha";

class SummaryReporter extends Mocha.reporters.Spec {
    constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
        super(runner, options);
        runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
            const stats = runner.stats;
            const skipped = stats?.pending ? `, ${stats.pending} skipped` : "";
            process.stdout.write(`tests: ${stats?.passes ?? 0} passed, ${stats?.failures ?? 0} failed${skipped}\n`);
        });
    }
}

export = SummaryReporter;
