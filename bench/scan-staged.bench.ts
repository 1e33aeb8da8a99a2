/**
 * Cost of the pre-commit hook: `inline scan --staged` in a repository with a commit's worth of
 * staged changes (5 small files), wall time per process, next to bare `node` as the floor.
 * Goal: median ≤ 200 ms.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { measure, printTable } from './harness.js';

const bin = fileURLToPath(new URL('../bin/inline.js', import.meta.url));
const runs = Number(process.env.BENCH_RUNS ?? 20);

function git(cwd: string, args: string[]): void {
  const result = spawnSync('git', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
}

const root = realpathSync(mkdtempSync(join(tmpdir(), 'inline-scan-bench-')));
try {
  git(root, ['init', '-q']);
  git(root, ['config', 'user.email', 'bench@example.com']);
  git(root, ['config', 'user.name', 'bench']);
  const module = (i: number, extra: string) =>
    Array.from({ length: 40 }, (_, line) => `export const value${i}_${line} = ${line} * ${i}; // ${extra}`).join('\n') + '\n';
  for (let i = 0; i < 5; i++) writeFileSync(join(root, `module${i}.ts`), module(i, 'first'));
  git(root, ['add', '-A']);
  git(root, ['commit', '-qm', 'base']);
  // The staged commit edits every file: some lines changed, some added.
  for (let i = 0; i < 5; i++) writeFileSync(join(root, `module${i}.ts`), module(i, 'second') + `export const url${i} = 'https://example.com/${i}';\n`);
  git(root, ['add', '-A']);

  const spawn = (args: string[], expected = 0) => {
    const result = spawnSync(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    if (result.status !== expected) throw new Error(`${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  };
  const rows = [
    await measure('node -e 0 (floor)', runs, () => spawn(['-e', '0'])),
    await measure('inline --version', runs, () => spawn([bin, '--version'])),
    await measure('inline scan --staged (5 files)', runs, () => spawn([bin, 'scan', '--staged'])),
    await measure('git diff --cached (alone)', runs, () => git(root, ['diff', '--cached', '-U0', '--no-color'])),
  ];
  printTable('scan --staged (wall time per process, goal: median ≤ 200 ms)', rows);
} finally {
  rmSync(root, { recursive: true, force: true });
}
