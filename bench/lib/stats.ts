/** The p-th percentile (0..100) of a sample, nearest-rank. */
export function percentile(sample: number[], p: number): number {
  if (sample.length === 0) return Number.NaN;
  const sorted = [...sample].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export interface Row {
  benchmark: string;
  result: string;
  target: string;
  met: boolean | null;
}

export function printTable(rows: Row[]): void {
  const lines = [
    '| benchmark | result | target | met |',
    '|---|---|---|---|',
    ...rows.map((r) => `| ${r.benchmark} | ${r.result} | ${r.target} | ${r.met === null ? '-' : r.met ? 'yes' : 'NO'} |`),
  ];
  console.log(lines.join('\n'));
}

/** Runs `work` over `items` with at most `concurrency` at a time. */
export async function pool<T, R>(items: T[], concurrency: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await work(items[index]!, index);
      }
    }),
  );
  return results;
}

export const ms = (n: number) => `${n.toFixed(1)} ms`;
