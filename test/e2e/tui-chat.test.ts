/**
 * `inline chat`'s TUI end to end: the real binary in a tmux pane, a real HTTP server as the model,
 * a temporary git repository. Types a request, watches the reply stream in, accepts the edit,
 * undoes it, leaves with Ctrl-C, and checks the app never cleared the user's screen.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BIN, commitFiles, git as gitIn, makeTempRepo, type TempRepo } from '../support/cli.js';
import { startFakeBackend, type FakeBackend } from '../support/fake-backend.js';
import { TmuxPane, tmuxAvailable, TMUX } from '../support/tmux.js';

const ORIGINAL = 'def area(x):\n    return x * x\n\n\nprint(area(3))\n';
const RENAMED = 'def area(y):\n    return y * y\n\n\nprint(area(3))\n';
const BLOCK = 'a.py\n```python\n<<<<<<< SEARCH\ndef area(x):\n    return x * x\n=======\ndef area(y):\n    return y * y\n>>>>>>> REPLACE\n```\n';

// Each chunk arrives CHUNK_DELAY_MS after the previous one, long enough that a 40 ms poll of the
// screen reliably sees the reply half-written.
const CHUNK_DELAY_MS = 700;
const FIRST_WORDS = 'Renaming the parameter';
const REST = ' x to y everywhere it is used.';
const REPLY_CHUNKS = [FIRST_WORDS, `${REST}\n\n`, BLOCK];

// Sequences that wipe the visible screen or the scrollback: the chat must only ever redraw its own region.
const SCREEN_CLEARS: Array<[string, string]> = [
  ['ESC [2J (erase display)', '\x1b[2J'],
  ['ESC [3J (erase scrollback)', '\x1b[3J'],
  ['ESC c (full reset)', '\x1bc'],
];

let repo: TempRepo;
let backend: FakeBackend | undefined;
let pane: TmuxPane | undefined;

const git = (...args: string[]) => gitIn(repo, ...args);

const PLACEHOLDER = 'Ask about the code, or /help';

/** The composer shows its placeholder while a reply is pending too; idle is that without the spinner. */
const idle = (screen: string) => screen.includes(PLACEHOLDER) && !screen.includes('Waiting for the model');

const readA = () => readFileSync(join(repo.root, 'a.py'), 'utf8');
const commitCount = async () => Number((await git('rev-list', '--count', 'HEAD')).trim());

if (!tmuxAvailable()) console.warn(`test/e2e/tui-chat.test.ts: skipped, ${TMUX} is not installed (apt-get install tmux)`);

describe.skipIf(!tmuxAvailable())(`inline chat TUI under tmux (skipped when ${TMUX} is not installed)`, () => {
  beforeEach(async () => {
    repo = await makeTempRepo();
    await commitFiles(repo, { 'a.py': ORIGINAL });
    backend = await startFakeBackend();
  });

  afterEach(async () => {
    await pane?.kill();
    pane = undefined;
    await backend?.close();
    backend = undefined;
    repo.cleanup();
  });

  it('streams a reply, applies the accepted edit as a commit, undoes it, and exits on Ctrl-C without clearing the screen', async () => {
    backend!.script({ chunks: REPLY_CHUNKS, chunkDelayMs: CHUNK_DELAY_MS });
    const rawOutputFile = join(repo.home, 'pane-output.raw');
    pane = await TmuxPane.start({
      command: [process.execPath, BIN, 'chat', '--base-url', backend!.url, '--model', 'qwen2.5-coder-7b'],
      cwd: repo.root,
      env: { ...repo.env, TERM: 'xterm-256color' },
      rawOutputFile,
      columns: 120,
      rows: 40,
    });

    // 1. The composer, with its placeholder, and the status bar naming the model.
    await pane.waitForText(PLACEHOLDER, { what: 'the composer', timeoutMs: 10_000 });
    await pane.waitForText('qwen2.5-coder-7b', { what: 'the status bar' });

    // 2. The request, echoed in the composer before it is sent.
    await pane.type('rename x to y in a.py');
    await pane.waitForText('› rename x to y in a.py', { what: 'the typed request' });
    await pane.press('Enter');

    // 3. The reply streams: first only its opening words, then the whole sentence.
    const partial = await pane.waitForText(FIRST_WORDS, { what: 'the first streamed chunk' });
    expect(partial).not.toContain(REST.trim());
    await pane.waitForText(`${FIRST_WORDS}${REST}`, { what: 'the full reply' });

    // 4. The diff preview and its question; nothing is written before the answer.
    const preview = await pane.waitForText('Apply the edit to a.py? [y/n]', { what: 'the edit question' });
    expect(preview).toMatch(/Proposed edit to a\.py \+2 -2/);
    expect(preview).toContain('+def area(y):');
    expect(preview).toContain('-def area(x):');
    expect(readA()).toBe(ORIGINAL);
    expect(await commitCount()).toBe(1);
    await pane.press('y');

    // 5. One new commit carrying the trailer, and the file changed on disk.
    await pane.waitForText(/Applied to a\.py; committed [0-9a-f]{10}/, { what: 'the applied notice' });
    expect(readA()).toBe(RENAMED);
    expect(await commitCount()).toBe(2);
    expect(await git('log', '-1', '--format=%B')).toContain('Edited-by: inline');

    // 6. /undo reverts exactly that commit.
    // Enter is ignored while the turn is still finishing, so wait until it has.
    await pane.waitForScreen(idle, { what: 'the composer to be free again' });
    await pane.type('/undo');
    await pane.press('Enter');
    await pane.waitForText('Undid', { what: 'the undo notice' });
    expect(readA()).toBe(ORIGINAL);
    expect((await git('log', '--format=%s')).trim()).toBe('initial');

    // 7. Ctrl-C with nothing running leaves the app cleanly.
    // Ctrl-C while a command is still running would only cancel it.
    await pane.waitForScreen(idle, { what: 'the composer after /undo' });
    await pane.press('C-c');
    expect(await pane.waitForExit({ what: 'inline chat' })).toBe(0);

    // 8. The raw bytes the app wrote never cleared the screen or the scrollback.
    const raw = readFileSync(rawOutputFile, 'latin1');
    expect(raw).toContain(FIRST_WORDS);
    for (const [name, sequence] of SCREEN_CLEARS) {
      expect(raw.includes(sequence), `the output contains ${name}`).toBe(false);
    }
  }, 30_000);
});
