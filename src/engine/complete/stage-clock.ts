/** Per-stage wall time for one completion request, reported in the result and in telemetry. */
import type { StageName } from './types.js';

export class StageClock {
  private readonly started = performance.now();
  private readonly spent: Partial<Record<StageName, number>> = {};

  async time<T>(stage: StageName, work: () => Promise<T>): Promise<T> {
    const start = performance.now();
    try {
      return await work();
    } finally {
      this.add(stage, performance.now() - start);
    }
  }

  timeSync<T>(stage: StageName, work: () => T): T {
    const start = performance.now();
    try {
      return work();
    } finally {
      this.add(stage, performance.now() - start);
    }
  }

  report(): Partial<Record<StageName, number>> & { total: number } {
    const round = (ms: number) => Math.round(ms * 1000) / 1000;
    const out: Partial<Record<StageName, number>> & { total: number } = { total: round(performance.now() - this.started) };
    for (const [stage, ms] of Object.entries(this.spent)) out[stage as StageName] = round(ms);
    return out;
  }

  private add(stage: StageName, ms: number): void {
    this.spent[stage] = (this.spent[stage] ?? 0) + ms;
  }
}
