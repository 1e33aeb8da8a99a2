/** The chat context: repository map ranking by imports, the token budget, and the message layout. */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { estimateCounter } from '../../../src/context/budget.js';
import { ImportResolver } from '../../../src/context/imports.js';
import { listRepoFiles, type RepoFiles } from '../../../src/context/repo-files.js';
import { buildChatContext, describeContext, SYSTEM_PROMPT, type ChatContextInput } from '../../../src/engine/chat/chat-context.js';
import { rankRelatedFiles } from '../../../src/engine/chat/repo-map.js';

let root: string;
let repo: RepoFiles;

function write(path: string, text: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}

beforeEach(async () => {
  root = mkdtempSync(join(tmpdir(), 'inline-chat-context-'));
  write('app.py', 'from lib import helper\n\n\ndef main():\n    return helper(2)\n');
  write('lib.py', 'def helper(n):\n    """Doubles n."""\n    total = n * 2\n    return total\n\n\ndef unused():\n    return 0\n');
  write('cli.py', 'import app\n\n\ndef run():\n    app.main()\n');
  write('other.py', 'def elsewhere():\n    return "nothing to do with app"\n');
  repo = await listRepoFiles(root, false);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const counter = estimateCounter();

function input(overrides: Partial<ChatContextInput>): ChatContextInput {
  return { repo, resolver: new ImportResolver(repo), counter, windowTokens: 32_768, replyTokens: 1024, files: [], history: [], message: 'hello', ...overrides };
}

describe('rankRelatedFiles', () => {
  it('ranks files the chat files import above files that import them, and leaves unrelated files out', async () => {
    const ranked = await rankRelatedFiles(repo, new ImportResolver(repo), ['app.py']);
    expect(ranked.map((r) => r.path)).toEqual(['lib.py', 'cli.py']);
    expect(ranked[0]!.reasons).toEqual(['imported by app.py']);
    expect(ranked[1]!.reasons).toEqual(['imports app.py']);
  });

  it('adds files named in the message even without chat files', async () => {
    const ranked = await rankRelatedFiles(repo, new ImportResolver(repo), [], 'what does other.py do?');
    expect(ranked.map((r) => r.path)).toEqual(['other.py']);
  });
});

describe('buildChatContext', () => {
  it('sends instructions, the map as skeletons, the chat files in full, then the message last', async () => {
    const context = await buildChatContext(input({ files: ['app.py'], message: 'rename main' }));
    const [system, map, , files, , last] = context.messages;
    expect(system).toEqual({ role: 'system', content: SYSTEM_PROMPT });
    expect(map!.content).toContain('lib.py');
    expect(map!.content).toContain('def helper(n):');
    // A skeleton, not the body.
    expect(map!.content).not.toContain('total = n * 2');
    expect(files!.content).toContain('app.py\n```\nfrom lib import helper');
    expect(last).toEqual({ role: 'user', content: 'rename main' });
    expect(context.items.find((i) => i.kind === 'file')).toMatchObject({ path: 'app.py', included: true, reason: 'added to the chat' });
    expect(context.items.find((i) => i.kind === 'map' && i.path === 'lib.py')!.reason).toContain('imported by app.py');
    expect(context.tokens).toBe(context.items.filter((i) => i.included).reduce((s, i) => s + i.tokens, 0));
    expect(describeContext(context, 32_768)).toMatch(/\+ file app\.py\s+\d+\s+added to the chat/);
  });

  it('leaves out what does not fit: old history first, a file too big for the budget, and the map', async () => {
    write('big.py', `${'x = 1  # padding line\n'.repeat(4000)}`);
    repo = await listRepoFiles(root, false);
    const history = Array.from({ length: 40 }, (_, i) => ({ role: (i % 2 === 0 ? 'user' : 'assistant') as 'user' | 'assistant', content: `message ${i} ${'word '.repeat(60)}` }));
    const context = await buildChatContext(input({ files: ['app.py', 'big.py'], history, windowTokens: 2000, replyTokens: 200 }));
    expect(context.budgetTokens).toBe(1600);
    expect(context.tokens).toBeLessThanOrEqual(context.budgetTokens);
    expect(context.items.find((i) => i.path === 'big.py')).toMatchObject({ kind: 'file', included: false });
    expect(context.items.find((i) => i.path === 'app.py')).toMatchObject({ kind: 'file', included: true });
    const kept = context.messages.filter((m) => m.content.startsWith('message '));
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length).toBeLessThan(40);
    // The newest messages are the ones kept.
    expect(kept[kept.length - 1]!.content).toContain('message 39 ');
    expect(context.items.some((i) => i.kind === 'history' && !i.included)).toBe(true);
  });

  it('puts /run output and retrieved snippets in front of the message', async () => {
    const codeIndex = {
      search: async () => [{ chunk: { path: 'other.py', startLine: 1, endLine: 2, symbol: 'elsewhere', text: 'def elsewhere():\n    return "x"\n' } }],
    };
    const context = await buildChatContext(input({ message: 'fix the test', runOutput: '$ pytest\n1 failed', codeIndex }));
    const last = context.messages[context.messages.length - 1]!.content;
    expect(last).toMatch(/other\.py lines 1-2[\s\S]*def elsewhere[\s\S]*\$ pytest\n1 failed[\s\S]*fix the test$/);
    expect(context.items.find((i) => i.kind === 'snippet')).toMatchObject({ path: 'other.py', included: true });
  });
});
