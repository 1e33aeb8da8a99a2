/**
 * SIGKILL during applyPlan must leave every file byte-identical to its old or its new content
 * (created files: absent or complete), with leftover temporaries only under temporary names.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { TEMP_MARKER } from '../../../src/engine/edits/write.js';
import { seededRandom } from '../../support/random.js';

const CHILD = fileURLToPath(new URL('./crash-child.ts', import.meta.url));
const FILES = 24;
const CREATED = 4;
const LINES = 6000;
const ITERATIONS = 16;

const base = mkdtempSync(join(tmpdir(), 'inline-edits-crash-'));
const root = join(base, 'repo');
afterAll(() => rmSync(base, { recursive: true, force: true }));

const name = (i: number) => `src/dir${i % 3}/file${i}.txt`;
const content = (i: number, version: string) => Array.from({ length: LINES }, (_, line) => `${version} file ${i} line ${line} ${'x'.repeat(i % 7)}`).join('\n') + '\n';
const oldContent = Array.from({ length: FILES }, (_, i) => content(i, 'old'));
const newContent = Array.from({ length: FILES + CREATED }, (_, i) => content(i, 'new'));

function resetFiles(): void {
  rmSync(root, { recursive: true, force: true });
  for (let i = 0; i < FILES; i++) {
    mkdirSync(join(root, `src/dir${i % 3}`), { recursive: true });
    writeFileSync(join(root, name(i)), oldContent[i]!);
  }
}

function writeAnswer(): string {
  const answer = newContent.map((text, i) => `${name(i)}\n\`\`\`\n${text}\`\`\`\n`).join('\n');
  const path = join(base, 'answer.md');
  writeFileSync(path, answer);
  return path;
}

/** Runs the child; kills it `killAfterMs` after it reports ready (never, if undefined). */
function runChild(answerPath: string, killAfterMs: number | undefined): Promise<{ killed: boolean; applyMs?: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, root, answerPath], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      const wasReady = stdout.includes('ready');
      stdout += chunk.toString();
      if (!wasReady && stdout.includes('ready') && killAfterMs !== undefined) setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (signal === 'SIGKILL') return resolve({ killed: true });
      if (code !== 0) return reject(new Error(`child failed (${code}): ${stderr}`));
      resolve({ killed: false, applyMs: Number(/done (\d+)/.exec(stdout)?.[1]) });
    });
  });
}

type FileState = 'old' | 'new' | 'absent';

function checkTree(): { states: FileState[]; temps: number } {
  const states: FileState[] = [];
  for (let i = 0; i < FILES + CREATED; i++) {
    let text: string | undefined;
    try {
      text = readFileSync(join(root, name(i)), 'utf8');
    } catch {
      text = undefined;
    }
    if (text === newContent[i]) states.push('new');
    else if (i < FILES && text === oldContent[i]) states.push('old');
    else if (i >= FILES && text === undefined) states.push('absent');
    else throw new Error(`${name(i)} is neither its old nor its new content (${text === undefined ? 'missing' : `${text.length} chars`})`);
  }
  let temps = 0;
  const expected = new Set(Array.from({ length: FILES + CREATED }, (_, i) => name(i).split('/').pop()));
  for (const dir of readdirSync(join(root, 'src'))) {
    for (const entry of readdirSync(join(root, 'src', dir))) {
      if (expected.has(entry)) continue;
      if (!entry.startsWith(TEMP_MARKER)) throw new Error(`unexpected file ${dir}/${entry}`);
      temps++;
    }
  }
  return { states, temps };
}

describe('applyPlan under SIGKILL', () => {
  it('leaves every file old or new', { timeout: 180_000 }, async () => {
    const answerPath = writeAnswer();
    resetFiles();
    const full = await runChild(answerPath, undefined);
    expect(checkTree().states.every((state) => state === 'new')).toBe(true);
    const window = Math.max(5, full.applyMs ?? 50);

    const random = seededRandom(8);
    const outcomes = { midWrite: 0, midRename: 0, finished: 0 };
    for (let iteration = 0; iteration < ITERATIONS; iteration++) {
      resetFiles();
      const { killed } = await runChild(answerPath, Math.floor(random() * window * 1.2));
      const { states, temps } = checkTree();
      const kinds = new Set(states.map((state) => (state === 'absent' ? 'old' : state)));
      if (kinds.size > 1) outcomes.midRename++;
      else if (killed && temps > 0) outcomes.midWrite++;
      else outcomes.finished++;
    }
    // Where the kills landed, for the record; correctness is what checkTree asserts.
    console.log(`crash test: apply took ${full.applyMs} ms; kills: ${JSON.stringify(outcomes)}`);
  });
});
