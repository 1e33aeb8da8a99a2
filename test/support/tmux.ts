/**
 * Drives a program inside a detached tmux pane, on a private tmux server, so end-to-end tests see
 * exactly what a user's terminal would: the rendered screen (capture-pane), the raw bytes the
 * program wrote (pipe-pane), and the program's exit code (printed by a wrapping shell; remain-on-exit
 * keeps the pane readable after that).
 */
import { existsSync, rmSync } from 'node:fs';
import { execa } from 'execa';

export const TMUX = '/usr/bin/tmux';

export function tmuxAvailable(): boolean {
  return existsSync(TMUX);
}

export interface TmuxPaneOptions {
  /** The program and its arguments; a shell runs it (without re-splitting them) and prints its exit code after it. */
  command: string[];
  cwd: string;
  /** The whole environment of the tmux server and so of the program; nothing else leaks in. */
  env: Record<string, string>;
  /** Where the pane's raw output is appended, from before the program's first byte. */
  rawOutputFile: string;
  columns?: number;
  rows?: number;
  /** What the program sees in TERM. */
  term?: string;
}

export interface WaitOptions {
  timeoutMs?: number;
  /** Said in the failure message, e.g. "the composer". */
  what?: string;
}

const POLL_MS = 40;
const EXIT_MARKER = 'tmux-pane-exit-code:';
const EXIT_LINE = new RegExp(`^${EXIT_MARKER}(\\d+)$`, 'm');
const DEFAULT_WAIT_MS = 8_000;

let sockets = 0;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Single-quotes a word for the shell tmux runs pipe-pane's command with. */
function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

export class TmuxPane {
  /** The server's socket file, which kill-server leaves behind. */
  private socketPath = '';

  private constructor(
    readonly socket: string,
    private readonly env: Record<string, string>,
  ) {}

  /** Starts a private tmux server with one session whose only pane runs the command. */
  static async start(options: TmuxPaneOptions): Promise<TmuxPane> {
    const socket = `inline-e2e-${process.pid}-${Date.now().toString(36)}-${++sockets}`;
    const pane = new TmuxPane(socket, options.env);
    // One command list, so the options apply before the program starts and pipe-pane is attached
    // before the server first reads the pane: tmux runs a client's whole list before polling panes.
    await pane.tmux(
      'start-server', ';',
      'set-option', '-g', 'default-terminal', options.term ?? 'xterm-256color', ';',
      'set-option', '-g', 'remain-on-exit', 'on', ';',
      'set-option', '-g', 'history-limit', '5000', ';',
      'new-session', '-d', '-s', 'e2e', '-x', String(options.columns ?? 120), '-y', String(options.rows ?? 40),
      '-c', options.cwd, '--', '/bin/sh', '-c', `"$@"; echo ${EXIT_MARKER}$?`, 'sh', ...options.command, ';',
      'pipe-pane', '-o', '-t', 'e2e', `cat >> ${shellQuote(options.rawOutputFile)}`,
    );
    pane.socketPath = (await pane.tmux('display-message', '-p', '#{socket_path}')).trim();
    return pane;
  }

  private async tmux(...args: string[]): Promise<string> {
    const result = await execa(TMUX, ['-L', this.socket, '-f', '/dev/null', ...args], { env: this.env, extendEnv: false });
    return String(result.stdout);
  }

  /** The visible screen as plain text, one line per row. */
  capture(): Promise<string> {
    return this.tmux('capture-pane', '-p', '-t', 'e2e');
  }

  /** The scrollback and the screen, for failure messages and checks on text that scrolled away. */
  captureAll(): Promise<string> {
    return this.tmux('capture-pane', '-p', '-S', '-', '-t', 'e2e');
  }

  /** Types the text literally, as if pasted key by key. */
  async type(text: string): Promise<void> {
    await this.tmux('send-keys', '-t', 'e2e', '-l', text);
  }

  /** Presses named keys: Enter, C-c, Escape, y... */
  async press(...keys: string[]): Promise<void> {
    await this.tmux('send-keys', '-t', 'e2e', ...keys);
  }

  /** Polls the screen until the check passes; returns the screen it passed on. */
  async waitForScreen(check: (screen: string) => boolean, options: WaitOptions = {}): Promise<string> {
    const deadline = Date.now() + (options.timeoutMs ?? DEFAULT_WAIT_MS);
    for (;;) {
      const screen = await this.capture();
      if (check(screen)) return screen;
      if (Date.now() > deadline) {
        throw new Error(`timed out waiting for ${options.what ?? 'the screen'}; the pane showed:\n${await this.captureAll()}`);
      }
      await sleep(POLL_MS);
    }
  }

  /** Polls the screen until it contains the text. */
  waitForText(text: string | RegExp, options: WaitOptions = {}): Promise<string> {
    const found = (screen: string) => (typeof text === 'string' ? screen.includes(text) : text.test(screen));
    return this.waitForScreen(found, { what: String(text), ...options });
  }

  /**
   * Waits for the program to end and returns its exit code, as the wrapping shell printed it. (tmux
   * itself is not asked: under load it was seen to leave the ended program unreaped for seconds, so
   * the pane never showed as dead.)
   */
  async waitForExit(options: WaitOptions = {}): Promise<number> {
    const screen = await this.waitForText(EXIT_LINE, { ...options, what: `${options.what ?? 'the program'} to exit` });
    return Number(EXIT_LINE.exec(screen)![1]);
  }

  /** Stops the server and everything in it; safe to call twice or after the server has gone. */
  async kill(): Promise<void> {
    await execa(TMUX, ['-L', this.socket, '-f', '/dev/null', 'kill-server'], { env: this.env, extendEnv: false, reject: false });
    if (this.socketPath !== '') rmSync(this.socketPath, { force: true });
  }
}
