/**
 * Thread and GPU choices for the llama worker. llama.cpp's threads busy-wait between batches, so
 * when they outnumber the free cores they slow everything down, the editor and inline included:
 * the default leaves one core for the rest of the machine.
 */
import os from 'node:os';
import type { GpuChoice } from './protocol.js';

const GPU_CHOICES: readonly GpuChoice[] = ['auto', false, 'cuda', 'vulkan', 'metal'];

/**
 * Cores useful for evaluation minus one, at least one. `mathCores` is node-llama-cpp's count of
 * cores that do math well (physical cores, not hyper-threads); `available` is what this process
 * may run on (CPU affinity and container limits included).
 */
export function defaultThreads(mathCores: number, available = os.availableParallelism()): number {
  const usable = Math.min(mathCores > 0 ? mathCores : available, available);
  return Math.max(1, usable - 1);
}

/** Checks a user-supplied thread count; undefined means "choose for this machine". */
export function checkThreads(threads: number | undefined): number | undefined {
  if (threads === undefined) return undefined;
  if (!Number.isInteger(threads) || threads < 1 || threads > 1024) {
    throw new Error(`The llama thread count must be a whole number from 1 to 1024, not ${threads}.`);
  }
  return threads;
}

/** Accepts 'auto', 'cpu'/'none'/false, 'cuda', 'vulkan' or 'metal'. */
export function parseGpuChoice(value: string | boolean | undefined): GpuChoice {
  if (value === undefined || value === true) return 'auto';
  if (value === false) return false;
  const lower = value.trim().toLowerCase();
  if (lower === 'cpu' || lower === 'none' || lower === 'off' || lower === 'false') return false;
  const choice = GPU_CHOICES.find((c) => c === lower);
  if (choice === undefined) {
    throw new Error(`Unknown GPU choice "${value}". Use auto, cpu, cuda, vulkan or metal.`);
  }
  return choice;
}
