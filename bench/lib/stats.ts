// Small statistics and interleaving helpers for the benchmarks.

export function median(samples: readonly number[]): number {
    const sorted = [...samples].sort((a, b) => a - b);
    const middle = Math.floor(sorted.length / 2);
    return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * Runs every mode once per round, `rounds` times, rotating the order each round so no mode always goes first,
 * after one unmeasured warm-up round (file system cache). Returns the samples per mode.
 */
export async function interleave<K extends string>(
    modes: Readonly<Record<K, () => Promise<number>>>,
    rounds: number,
    log: (line: string) => void,
): Promise<Record<K, number[]>> {
    const names = Object.keys(modes) as K[];
    const samples = Object.fromEntries(names.map(name => [name, [] as number[]])) as Record<K, number[]>;
    for (const name of names) {
        await modes[name]();
    }
    for (let round = 0; round < rounds; round++) {
        const order = names.map((_, i) => names[(i + round) % names.length]);
        for (const name of order) {
            const value = await modes[name]();
            samples[name].push(value);
            log(`  round ${round + 1}/${rounds} ${name}: ${value.toFixed(0)}`);
        }
    }
    return samples;
}
