// A progress line on stderr (`<label>: done/total<unit>`), only on a terminal, at most ten times a second.

export interface ProgressLine {
    onProgress?: (done: number, total: number) => void;
    /** Clears the line if one was shown. */
    done(): void;
}

export function progressLine(label: string, unit = ""): ProgressLine {
    if (!process.stderr.isTTY) {
        return { done: () => undefined };
    }
    let last = 0;
    let shown = false;
    return {
        onProgress(done, total) {
            const now = Date.now();
            if (now - last >= 100 || done === total) {
                last = now;
                shown = true;
                process.stderr.write(`\r${label}: ${done}/${total}${unit}`);
            }
        },
        done() {
            if (shown) {
                process.stderr.write("\r\x1b[2K");
            }
        },
    };
}
