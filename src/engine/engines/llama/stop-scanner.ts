/**
 * Turns the growing decoded text of a generation into safe-to-show pieces. Two things must not
 * reach the caller: a stop string (the text ends just before it) and half of a multi-byte
 * character (a token can end inside one; the decoder shows it as U+FFFD until the rest arrives).
 * Text that could still become a stop string is held back until the next token decides it.
 */

export interface ScanResult {
  /** New text that may be shown now. */
  text: string;
  /** True when a stop string was found; generation should end. */
  stopped: boolean;
}

const REPLACEMENT = '\uFFFD';

export class StopScanner {
  private shown = 0;
  private readonly stops: string[];

  constructor(stops: readonly string[]) {
    this.stops = stops.filter((stop) => stop.length > 0);
  }

  /** `decoded` is the whole text generated so far (each call extends the previous one). */
  push(decoded: string): ScanResult {
    const from = Math.min(this.shown, decoded.length);
    let stopAt = -1;
    for (const stop of this.stops) {
      const at = decoded.indexOf(stop, from);
      if (at !== -1 && (stopAt === -1 || at < stopAt)) stopAt = at;
    }
    if (stopAt !== -1) return { text: this.take(decoded, stopAt), stopped: true };
    let end = decoded.length;
    while (end > from && decoded[end - 1] === REPLACEMENT) end--;
    end -= this.partialStopLength(decoded, from, end);
    return { text: this.take(decoded, end), stopped: false };
  }

  /** Everything not yet shown, once generation has ended without a stop string. */
  finish(decoded: string): string {
    return this.take(decoded, decoded.length);
  }

  /** Length of the longest tail of decoded[from, end) that begins some stop string. */
  private partialStopLength(decoded: string, from: number, end: number): number {
    let longest = 0;
    for (const stop of this.stops) {
      for (let length = Math.min(stop.length - 1, end - from); length > longest; length--) {
        if (decoded.startsWith(stop.slice(0, length), end - length)) {
          longest = length;
          break;
        }
      }
    }
    return longest;
  }

  private take(decoded: string, end: number): string {
    if (end <= this.shown) return '';
    const text = decoded.slice(this.shown, end);
    this.shown = end;
    return text;
  }
}
