/** Maps a failure to the line the user sees and the exit code scripts rely on. */
import { ConfigError } from '../config/errors.js';
import { EngineError, ModelFileUnusable } from '../engine/errors.js';
import { UsageError } from './usage-error.js';

export function describeError(err: unknown, verbose: boolean): { message: string; exitCode: number } {
  if (err instanceof ConfigError || err instanceof UsageError) return { message: err.message, exitCode: 2 };
  // A model file that cannot be used is a setting to fix, like a bad config value.
  if (err instanceof ModelFileUnusable) return { message: err.message, exitCode: 2 };
  if (err instanceof EngineError) return { message: err.message, exitCode: 1 };
  if (isAbort(err)) return { message: 'cancelled', exitCode: 130 };
  // Errors from below the CLI that are the user's to fix say so with exitCode 2.
  if (err instanceof Error && (err as { exitCode?: unknown }).exitCode === 2) return { message: err.message, exitCode: 2 };
  const nodeError = err as NodeJS.ErrnoException;
  if (nodeError && typeof nodeError.code === 'string' && typeof nodeError.path === 'string') {
    return { message: `${nodeError.path}: ${nodeError.message}`, exitCode: 2 };
  }
  const text = err instanceof Error ? (verbose ? (err.stack ?? err.message) : err.message) : String(err);
  const hint = verbose ? '' : ' (run with --verbose for details)';
  return { message: `internal error: ${text}${hint}`, exitCode: 2 };
}

function isAbort(err: unknown): boolean {
  return err instanceof Error && err.name === 'AbortError';
}
