/**
 * CI guard for the no-harm goal: a deterministic sample (every 10th record) of each benchmark
 * set's canonical middles must come back unchanged at least 99% of the time. The full run is
 * bench/postprocess-noharm.bench.ts.
 */
import { describe, expect, it } from 'vitest';
import { EVAL_DATA } from '../../../support/eval-data.js';
import { checkNoHarm, loadCases, NOHARM_SETS } from './noharm.js';

const STRIDE = 10;
const GOAL = 0.99;

describe('post-processing leaves correct completions alone', () => {
  for (const set of NOHARM_SETS) {
    const cases = loadCases(set, STRIDE);
    if (!cases) {
      it.skip(`${set.name}: skipped, ${set.file} not found under ${EVAL_DATA}`, () => {});
      continue;
    }
    it(`${set.name}: every ${STRIDE}th of the canonical middles, ≥ ${GOAL * 100}% unchanged`, async () => {
      const report = await checkNoHarm(cases);
      const rate = report.unchanged / report.items;
      expect(report.items).toBeGreaterThan(0);
      expect(rate, `harmed: ${JSON.stringify(report.examples, null, 1)}`).toBeGreaterThanOrEqual(GOAL);
    });
  }
});
