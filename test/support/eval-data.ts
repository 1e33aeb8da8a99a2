/** Where ../shared/eval-data is: beside the checkout (as CI lays it out), else the workplace copy. */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const CANDIDATES = [fileURLToPath(new URL('../../../shared/eval-data', import.meta.url)), '/work/shared/eval-data'];

export const EVAL_DATA = CANDIDATES.find((dir) => existsSync(dir)) ?? CANDIDATES[0]!;

export function evalDataFile(name: string): string {
  return `${EVAL_DATA}/${name}`;
}
