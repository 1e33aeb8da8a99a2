/** Helpers for driving Ink apps in tests. */
import { stripAnsi } from '../../src/tui/ansi.js';

export async function waitFor(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export function plainFrame(frame: string | undefined): string {
  return stripAnsi(frame ?? '');
}

export function occurrences(haystack: string, needle: string): number {
  return haystack.split(needle).length - 1;
}

/** Lets Ink's input handling and React's effects settle between keystrokes. */
export const tick = (ms = 10): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export const FULL_SCREEN_CLEARS = ['\u001b[2J', '\u001bc', '\u001b[3J'];
