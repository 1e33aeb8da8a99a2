/** AI comments: detection across languages, their removal, and the real daemon acting on saved files. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MessageConnection } from 'vscode-jsonrpc/node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withoutComments } from '../../src/watch/ai-comment-runner.js';
import { classifyComment, findAiComments } from '../../src/watch/ai-comments.js';
import { commitFiles, git as gitIn, makeTempRepo, type TempRepo } from '../support/cli.js';
import { startFakeBackend, type FakeBackend } from '../support/fake-backend.js';
import { fileUri, startDaemon, stdioClient, waitFor, type Daemon } from '../support/watch-client.js';

const kinds = (path: string, text: string) => findAiComments(path, text).map((c) => [c.line, c.kind, c.request]);

describe('findAiComments', () => {
  it('finds AI! and AI? at the end or the start of comments, in each comment syntax', () => {
    expect(kinds('a.py', 'x = 1\n# make this handle empty lists AI!\n')).toEqual([[1, 'edit', 'make this handle empty lists']]);
    expect(kinds('a.ts', 'let x = 1; // AI! add retries\n')).toEqual([[0, 'edit', 'add retries']]);
    expect(kinds('q.sql', 'select 1; -- what does this return ai?\n')).toEqual([[0, 'ask', 'what does this return']]);
    expect(kinds('m.c', 'int x; /* AI? why static */ int y;\n')).toEqual([[0, 'ask', 'why static']]);
    expect(kinds('core.clj', ';; rename this AI!\n')).toEqual([[0, 'edit', 'rename this']]);
    expect(kinds('a.rb', '## AI: the cache lives in redis\n')).toEqual([[0, 'note', 'the cache lives in redis']]);
    expect(kinds('lib.rs', '/// tidy this up ai!\nfn f() {}\n')).toEqual([[0, 'edit', 'tidy this up']]);
  });

  it('ignores AI inside strings, in ordinary words, and comment syntax of other languages', () => {
    expect(findAiComments('a.py', 'print("fix this AI!")\nsend("# AI!")\n')).toEqual([]);
    expect(findAiComments('a.py', '# send the MAIL!\n# Thai?\n# aim higher\n')).toEqual([]);
    expect(findAiComments('a.ts', 'const s = `\n// AI!\n`;\nconst t = "// AI?";\n')).toEqual([]);
    expect(findAiComments('a.py', 'doc = """\n# AI!\n"""\n')).toEqual([]);
    // `#` is no comment in C (preprocessor) and `//` is none in Python.
    expect(findAiComments('a.c', '#define AI!\n')).toEqual([]);
    expect(findAiComments('a.py', 'x = 7 // 2  # floor AI?\n').map((c) => c.kind)).toEqual(['ask']);
    // A Rust lifetime is no string: the comment after it still counts.
    expect(kinds('lib.rs', "fn f<'a>(x: &'a str) {} // borrow less AI!\n")).toEqual([[0, 'edit', 'borrow less']]);
    // A block comment over several lines is not a one-line AI comment.
    expect(findAiComments('a.js', '/*\n AI!\n*/\n')).toEqual([]);
  });

  it('classifies a comment by its marker, word boundaries respected', () => {
    expect(classifyComment(' AI! ')).toEqual({ kind: 'edit', request: '' });
    expect(classifyComment('AI? what is this')).toEqual({ kind: 'ask', request: 'what is this' });
    expect(classifyComment('ai')).toEqual({ kind: 'note', request: '' });
    expect(classifyComment('EMAIL?')).toBeUndefined();
    expect(classifyComment('said!')).toBeUndefined();
  });

  it('removes a whole comment line, but keeps the code before a trailing comment', () => {
    const text = 'def f(xs):\n    # handle empty lists AI!\n    return xs[0]  # fix AI!\n';
    expect(withoutComments(text, findAiComments('a.py', text))).toBe('def f(xs):\n    return xs[0]\n');
  });
});

describe('inline watch acting on AI comments', () => {
  let repo: TempRepo;
  let backend: FakeBackend | undefined;
  let daemon: Daemon | undefined;
  const git = (...args: string[]) => gitIn(repo, ...args);
  const chatRequests = () => backend!.requests.filter((r) => r.path === '/v1/chat/completions');
  const sent = (index: number) => (chatRequests()[index]!.body.messages as Array<{ content: string }>).map((m) => m.content).join('\n');

  beforeEach(async () => {
    repo = await makeTempRepo();
    await commitFiles(repo, { 'a.py': 'def first(xs):\n    return xs[0]\n', '.gitignore': 'ignored.py\n' });
  });
  afterEach(async () => {
    await daemon?.stop();
    daemon = undefined;
    await backend?.close();
    backend = undefined;
    repo.cleanup();
  });

  async function start(...replies: string[]): Promise<MessageConnection> {
    backend = await startFakeBackend({ replies: replies.map((text) => ({ chunks: [text.slice(0, 9), text.slice(9)] })) });
    daemon = startDaemon(['--stdio', '--base-url', backend.url], { cwd: repo.root, env: repo.env });
    const connection = stdioClient(daemon);
    await connection.sendRequest('initialize', { processId: process.pid, rootUri: `file://${repo.root}`, capabilities: {} });
    await connection.sendNotification('initialized', {});
    await waitFor(() => daemon!.stderr().includes('following changes on disk'), 'the watcher');
    return connection;
  }

  const edit = (search: string, replace: string) => `a.py\n\`\`\`python\n<<<<<<< SEARCH\n${search}=======\n${replace}>>>>>>> REPLACE\n\`\`\`\n`;
  const read = (path: string) => readFileSync(join(repo.root, path), 'utf8');
  const editCommits = async () => (await git('log', '--format=%B%x00')).split('\0').filter((m) => m.includes('Edited-by: inline'));

  it('edits and commits for an AI! comment, and the comment is gone', async () => {
    const fixed = 'def first(xs):\n    return xs[0] if xs else None\n';
    await start(`Handling empty lists.\n${edit('def first(xs):\n    # handle empty lists AI!\n    return xs[0]\n', fixed)}`);
    repo.write('a.py', 'def first(xs):\n    # handle empty lists AI!\n    return xs[0]\n');

    await waitFor(() => read('a.py') === fixed || undefined, 'the edit', 20_000);
    await waitFor(() => daemon!.stderr().includes('committed'), 'the commit');
    expect(await editCommits()).toHaveLength(1);
    expect((await git('status', '--porcelain', '--', 'a.py')).trim()).toBe('');
    const request = sent(0);
    expect(request).toContain('handle empty lists AI!');
    expect(request).toContain('lines 1-3');
    expect(request).toContain('delete the AI comment lines');
  });

  it('removes an AI! comment the model left, amending its commit', async () => {
    await start(`Done.\n${edit('    return xs[0]\n', '    return xs[0] if xs else None\n')}`);
    repo.write('a.py', 'def first(xs):\n    # handle empty lists AI!\n    return xs[0]\n');

    await waitFor(() => daemon!.stderr().includes('in the same commit') || undefined, 'the comment removal', 15_000);
    expect(read('a.py')).toBe('def first(xs):\n    return xs[0] if xs else None\n');
    const commits = await editCommits();
    expect(commits).toHaveLength(1);
    expect(await git('show', 'HEAD:a.py')).toBe('def first(xs):\n    return xs[0] if xs else None');
    expect((await git('status', '--porcelain', '--', 'a.py')).trim()).toBe('');
  });

  it('answers an AI? comment with an inline/answer notification, once per comment, never for ignored files', async () => {
    const connection = await start('It returns the first item.', 'It fails on an empty list.');
    const answers: Array<{ uri: string; line: number; question: string; answer: string }> = [];
    connection.onNotification('inline/answer', (params: (typeof answers)[number]) => void answers.push(params));

    repo.write('ignored.py', '# rewrite everything AI!\n');
    repo.write('b.py', 'def first(xs):\n    # what does this do AI?\n    return xs[0]\n');
    const first = await waitFor(() => answers[0], 'the answer', 20_000);
    expect(first).toEqual({ uri: fileUri(repo.root, 'b.py'), line: 1, question: 'what does this do', answer: 'It returns the first item.' });
    expect(daemon!.stderr()).toContain('It returns the first item.');

    // Saved again with the answered question still there and a new one: only the new one is asked.
    repo.write('b.py', 'def first(xs):\n    # what does this do AI?\n    return xs[0]  # and with []? AI?\n');
    const second = await waitFor(() => answers[1], 'the second answer', 20_000);
    expect(second).toMatchObject({ line: 2, question: 'and with []?', answer: 'It fails on an empty list.' });
    expect(chatRequests()).toHaveLength(2);
    expect(sent(0)).not.toContain('rewrite everything');
    expect(read('b.py')).toContain('what does this do AI?');
  });

  it('without a chat engine logs the advice once per file and keeps running', async () => {
    daemon = startDaemon(['--stdio'], { cwd: repo.root, env: repo.env });
    const connection = stdioClient(daemon);
    await connection.sendRequest('initialize', { processId: process.pid, rootUri: `file://${repo.root}`, capabilities: {} });
    await waitFor(() => daemon!.stderr().includes('following changes on disk'), 'the watcher');
    repo.write('a.py', 'def first(xs):\n    # handle empty lists AI!\n    return xs[0]\n');
    await waitFor(() => daemon!.stderr().includes('need a chat model'), 'the advice');
    repo.write('a.py', 'def first(xs):\n    # handle empty lists AI!\n    return xs[0]\n\n# and more AI!\n');
    await waitFor(() => daemon!.stderr().match(/updated after changes on disk: a\.py/g)?.length === 2 || undefined, 'the second save');
    await new Promise((r) => setTimeout(r, 200));
    expect(daemon!.stderr().match(/need a chat model/g)).toHaveLength(1);
    expect(await connection.sendRequest('shutdown')).toBeNull();
  });
});
