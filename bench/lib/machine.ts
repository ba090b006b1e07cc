// The machine a benchmark ran on, printed next to the figures.
import * as os from "os";

export function describeMachine(): string {
    const cpus = os.cpus();
    const model = cpus[0]?.model.trim() ?? "unknown cpu";
    return (
        `${cpus.length} x ${model}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${os.platform()} ` +
        `${os.release()}, node ${process.version}`
    );
}
