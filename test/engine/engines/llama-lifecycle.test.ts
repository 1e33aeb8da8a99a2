import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTinyGguf } from '../../support/tiny-gguf.js';

// The worker must never outlive inline: not when inline exits with the worker idle (and an idle
// worker must not keep it running), and not when inline is killed in the middle of a generation
// long enough (4000 tokens, several seconds) that only the worker noticing its parent's death can end it early.
const engineModule = fileURLToPath(new URL('../../../src/engine/engines/llama.ts', import.meta.url));
let dir: string;
let model: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'inline-llama-life-'));
  model = writeTinyGguf(dir, 'tiny.gguf', { contextLength: 4096 });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A parent that loads the model and prints the worker's pid, then returns, or streams a long completion. */
function startParent(mode: 'return' | 'generate') {
  const generate = [
    "const request = { prompt: 'x', stop: [], maxTokens: 4000, temperature: 0 };",
    'let printed = false;',
    'for await (const delta of engine.complete(request, new AbortController().signal)) {',
    '  if (!printed) console.log(engine.workerPid);',
    '  printed = true;',
    '}',
  ];
  const script = [
    `import { LlamaEngine } from ${JSON.stringify(engineModule)};`,
    // The returning parent also covers GPU auto-detection (and its fallback to the CPU here).
    `const engine = await LlamaEngine.open({ modelPath: ${JSON.stringify(model)}${mode === 'return' ? '' : ', gpu: false'} });`,
    'await engine.load();',
    ...(mode === 'return' ? ['console.log(engine.workerPid);'] : generate),
  ].join('\n');
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const workerPid = new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const pid = Number.parseInt(out, 10);
      if (out.includes('\n') && pid > 0) resolve(pid);
    });
    child.on('exit', (code) => reject(new Error(`the parent exited (${code}) before printing the worker pid`)));
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, workerPid, exited };
}

/** Dead means gone or a zombie waiting for init to reap it (the sandbox's init reaps slowly). */
function isDead(pid: number): boolean {
  const stat = `/proc/${pid}/stat`;
  if (existsSync('/proc/self/stat')) {
    if (!existsSync(stat)) return true;
    try {
      return readFileSync(stat, 'utf8').split(') ')[1]?.startsWith('Z') ?? true;
    } catch {
      return true;
    }
  }
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return true;
  }
}

async function waitForDeath(pid: number, limitMs: number): Promise<boolean> {
  for (let waited = 0; waited < limitMs; waited += 50) {
    if (isDead(pid)) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return isDead(pid);
}

describe('llama worker lifecycle', () => {
  it('lets inline exit with an idle worker, and dies with inline even when inline is killed', async () => {
    const idle = startParent('return');
    const killed = startParent('generate');
    const [idlePid, killedPid] = await Promise.all([idle.workerPid, killed.workerPid]);

    expect(await idle.exited).toBe(0);
    expect(await waitForDeath(idlePid, 5000)).toBe(true);

    expect(isDead(killedPid)).toBe(false);
    killed.child.kill('SIGKILL');
    await killed.exited;
    expect(await waitForDeath(killedPid, 3000)).toBe(true);
  }, 30_000);
});
