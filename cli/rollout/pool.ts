// Runs tasks with at most `limit` of them under way at once, in list order. Tasks should turn their failures into
// results (as runStack does): a task that throws rejects the whole run once the other workers finish their current
// task.

export async function runBounded<T, R>(
    items: readonly T[],
    limit: number,
    task: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
    if (!Number.isInteger(limit) || limit < 1) {
        throw new Error(`concurrency must be a whole number of at least 1, not ${limit}`);
    }
    const results = new Array<R>(items.length);
    let next = 0;
    const worker = async (): Promise<void> => {
        while (next < items.length) {
            const index = next++;
            results[index] = await task(items[index], index);
        }
    };
    await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
    return results;
}

/** A lock that runs callers one at a time, in call order. */
export class Mutex {
    private tail: Promise<void> = Promise.resolve();

    async run<R>(body: () => Promise<R>): Promise<R> {
        const previous = this.tail;
        let release!: () => void;
        this.tail = new Promise<void>(resolve => {
            release = resolve;
        });
        await previous;
        try {
            return await body();
        } finally {
            release();
        }
    }
}
