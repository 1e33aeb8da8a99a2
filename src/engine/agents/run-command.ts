/**
 * Runs a user's shell command (a test suite, a build, a linter) with a time limit, capturing
 * stdout and stderr interleaved as the user would see them. The command runs in its own process
 * group so a timeout ends everything it started, not just the shell.
 */
import { execa } from 'execa';

export interface CommandRun {
  command: string;
  exitCode: number;
  passed: boolean;
  timedOut: boolean;
  /** Combined output, shortened by truncateOutput. */
  output: string;
  durationMs: number;
}

export interface RunCommandOptions {
  cwd: string;
  timeoutMs: number;
  /** Longest output kept; the middle goes first, since errors sit at the start (compilers) or the end (test summaries). */
  maxOutputChars?: number;
  env?: Record<string, string | undefined>;
}

export const DEFAULT_MAX_OUTPUT_CHARS = 12_000;

/** Keeps the head and the (longer) tail of `text`, saying how much was left out. */
export function truncateOutput(text: string, maxChars = DEFAULT_MAX_OUTPUT_CHARS): string {
  if (text.length <= maxChars) return text;
  const head = Math.floor(maxChars * 0.3);
  const tail = maxChars - head;
  const omitted = text.length - head - tail;
  return `${text.slice(0, head)}\n[… ${omitted} characters omitted …]\n${text.slice(text.length - tail)}`;
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

export async function runShellCommand(command: string, options: RunCommandOptions): Promise<CommandRun> {
  const started = performance.now();
  const child = execa(command, {
    shell: true,
    cwd: options.cwd,
    all: true,
    reject: false,
    stdin: 'ignore',
    detached: true,
    ...(options.env ? { env: options.env } : {}),
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup(child.pid);
  }, options.timeoutMs);
  try {
    const result = await child;
    const output = truncateOutput(String(result.all ?? ''), options.maxOutputChars);
    const exitCode = timedOut ? 124 : (result.exitCode ?? 1);
    return { command, exitCode, passed: !timedOut && exitCode === 0, timedOut, output, durationMs: performance.now() - started };
  } finally {
    clearTimeout(timer);
  }
}
