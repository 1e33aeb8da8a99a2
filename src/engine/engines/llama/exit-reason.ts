/**
 * What a worker's exit means. A native crash (abort, segfault...) or an error exit while loading
 * is the model file's doing and happens again on every attempt; a kill comes from outside (the
 * out-of-memory killer, most often, or a user), and a later attempt may well succeed.
 */

export interface ExitReason {
  /** Completes "The llama worker ...". */
  what: string;
  /** Whether the process itself failed, as opposed to being stopped from outside. */
  crashed: boolean;
  /** Whether running out of memory is the likely cause. */
  memory: boolean;
}

const CRASH_SIGNALS = new Set<NodeJS.Signals>(['SIGABRT', 'SIGSEGV', 'SIGBUS', 'SIGILL', 'SIGFPE', 'SIGTRAP', 'SIGSYS']);

export function explainExit(code: number | null, signal: NodeJS.Signals | null): ExitReason {
  if (signal === 'SIGKILL') return { what: 'was killed (SIGKILL)', crashed: false, memory: true };
  if (signal === 'SIGABRT') return { what: 'aborted (SIGABRT)', crashed: true, memory: false };
  if (signal && CRASH_SIGNALS.has(signal)) return { what: `crashed (${signal})`, crashed: true, memory: false };
  if (signal) return { what: `was stopped (${signal})`, crashed: false, memory: false };
  // Node exits with 134 when V8 aborts, out of heap included.
  if (code === 134) return { what: 'aborted (exit code 134)', crashed: true, memory: true };
  return { what: `exited unexpectedly (code ${code})`, crashed: code !== 0, memory: false };
}
