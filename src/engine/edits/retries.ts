/**
 * Bookkeeping for the caller's retry loop: the model is shown the failures, answers again, and
 * the new answer is applied. Blocks that already applied are dropped if the model sends them
 * again (applying twice would duplicate code), and a block that keeps failing is given up on
 * after MAX_RETRIES retries. A retried block is recognised by its file and its REPLACE text,
 * which is what the model is trying to reach while it fixes its SEARCH text.
 */
import type { BlockResult, EditBlock } from './types.js';

export const MAX_RETRIES = 3;

function blockKey(block: EditBlock): string {
  return `${block.path}\0${block.kind}\0${block.search.trimEnd()}\0${block.replace.trimEnd()}`;
}

function goalKey(block: EditBlock): string {
  return `${block.path}\0${block.replace.trimEnd()}`;
}

export class EditRetryTracker {
  private readonly applied = new Set<string>();
  private readonly failures = new Map<string, number>();

  /** Records what happened to each block of one attempt. */
  record(results: BlockResult[]): void {
    for (const result of results) {
      if (result.ok) {
        this.applied.add(blockKey(result.block));
        this.failures.delete(goalKey(result.block));
      } else {
        const key = goalKey(result.block);
        this.failures.set(key, (this.failures.get(key) ?? 0) + 1);
      }
    }
  }

  /** Whether this exact block has already been applied. */
  wasApplied(block: EditBlock): boolean {
    return this.applied.has(blockKey(block));
  }

  /** How many times this block (by file and goal) has failed so far. */
  failureCount(block: EditBlock): number {
    return this.failures.get(goalKey(block)) ?? 0;
  }

  /** Whether another attempt is allowed: the first try plus at most MAX_RETRIES retries. */
  mayTry(block: EditBlock): boolean {
    return !this.wasApplied(block) && this.failureCount(block) <= MAX_RETRIES;
  }

  /** The blocks of a new answer worth trying: not already applied and not out of retries. */
  select(blocks: EditBlock[]): { attempt: EditBlock[]; alreadyApplied: EditBlock[]; exhausted: EditBlock[] } {
    const attempt: EditBlock[] = [];
    const alreadyApplied: EditBlock[] = [];
    const exhausted: EditBlock[] = [];
    for (const block of blocks) {
      if (this.wasApplied(block)) alreadyApplied.push(block);
      else if (this.failureCount(block) > MAX_RETRIES) exhausted.push(block);
      else attempt.push(block);
    }
    return { attempt, alreadyApplied, exhausted };
  }
}
