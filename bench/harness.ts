/** Tiny benchmark harness: time a function many times and print median, p95 and ops/s as a table. */

export interface Measurement {
  name: string;
  samples: number[];
  /** Extra columns, e.g. throughput. */
  extra?: Record<string, string>;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

export async function measure(name: string, iterations: number, run: () => unknown | Promise<unknown>, warmup = 3): Promise<Measurement> {
  for (let i = 0; i < warmup; i++) await run();
  const samples: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const started = performance.now();
    await run();
    samples.push(performance.now() - started);
  }
  return { name, samples };
}

function formatMs(ms: number): string {
  return ms >= 100 ? ms.toFixed(0) : ms >= 1 ? ms.toFixed(2) : ms.toFixed(4);
}

export function printTable(title: string, rows: Measurement[]): void {
  const table = rows.map((row) => {
    const sorted = [...row.samples].sort((a, b) => a - b);
    const median = percentile(sorted, 50);
    return {
      name: row.name,
      runs: String(sorted.length),
      'median ms': formatMs(median),
      'p95 ms': formatMs(percentile(sorted, 95)),
      'ops/s': (1000 / median).toFixed(median < 1 ? 0 : 1),
      ...row.extra,
    };
  });
  const columns = Object.keys(table.reduce((all, row) => ({ ...all, ...row }), {}));
  const widths = columns.map((c) => Math.max(c.length, ...table.map((row) => String((row as Record<string, string>)[c] ?? '').length)));
  const line = (cells: string[]) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  console.log(`\n${title}`);
  console.log(line(columns));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const row of table) console.log(line(columns.map((c) => String((row as Record<string, string>)[c] ?? ''))));
}
