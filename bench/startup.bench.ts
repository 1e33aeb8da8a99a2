/** Start-up cost of the CLI: `inline --version` against bare `node`, wall time per process. Goal: median ≤ 120 ms. */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { measure, printTable } from './harness.js';

const bin = fileURLToPath(new URL('../bin/inline.js', import.meta.url));
const runs = Number(process.env.BENCH_RUNS ?? 30);

function spawn(args: string[]): void {
  const result = spawnSync(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  if (result.status !== 0) throw new Error(`${args.join(' ')} exited ${result.status}: ${result.stderr}`);
}

const rows = [
  await measure('node -e 0 (floor)', runs, () => spawn(['-e', '0'])),
  await measure('inline --version', runs, () => spawn([bin, '--version'])),
  await measure('inline --help', runs, () => spawn([bin, '--help'])),
  await measure('inline doctor --json (local)', Math.ceil(runs / 2), () => spawn([bin, 'doctor', '--json'])),
];
printTable('startup (wall time per process, goal: inline --version median ≤ 120 ms)', rows);
