/**
 * Which rule keywords occur in a text, and on which lines, found in one pass with an Aho–Corasick
 * automaton. This is the scanner's hot loop: it reads every character of every scanned text, so
 * it is built around that one loop.
 *  - The text is copied into a byte buffer as Latin-1 (a memory copy for one-byte strings)
 *    because indexing bytes is markedly faster than `charCodeAt` on a string.
 *  - Characters are folded into a few dozen classes (case-insensitive; every character that is in
 *    no keyword is one class), which keeps the transition table small enough to stay in cache.
 *  - States where a keyword ends are numbered after all others, so the loop does one table step
 *    and one comparison per character.
 * Lines are found afterwards, only around occurrences, with the engine's own string search.
 */

/** Character class of everything that is in no keyword. */
const OTHER = 0;
/** Texts up to this long reuse one buffer; longer ones get their own. */
const SHARED_BUFFER_LIMIT = 4 * 1024 * 1024;

let sharedBytes = Buffer.allocUnsafe(64 * 1024);

/**
 * A buffer whose first `text.length` bytes are the text's code units as Latin-1 (a memory copy
 * for one-byte strings). Latin-1 keeps only the low byte of wider characters, so those can pose
 * as ASCII: occurrences are checked against the text itself.
 */
function latin1Bytes(text: string): Buffer {
  if (text.length > SHARED_BUFFER_LIMIT) return Buffer.from(text, 'latin1');
  if (sharedBytes.length < text.length) sharedBytes = Buffer.allocUnsafe(Math.min(SHARED_BUFFER_LIMIT, text.length * 2));
  sharedBytes.write(text, 0, text.length, 'latin1');
  return sharedBytes;
}

/**
 * What one scan found: every keyword occurrence in text order, and the lines holding any of them.
 * Typed arrays, reused from scan to scan: a minified file can hold thousands of occurrences, and
 * most files hold a handful.
 */
export interface KeywordHits {
  /** Occurrences of each keyword (by index into `keywords`). */
  readonly counts: Int32Array;
  readonly hits: number;
  readonly hitKeyword: Int32Array;
  /** Index just past the occurrence. */
  readonly hitEnd: Int32Array;
  /**
   * The line holding occurrence `hit`, as an index into `lineStart` and `lineEnd` (start, and end
   * including the line break). Lines are found when first asked for: ask in text order.
   */
  lineOf(hit: number): number;
  readonly lineStart: Int32Array;
  readonly lineEnd: Int32Array;
}

/**
 * The hot loop: notes (index past the byte, state) in `events` wherever an output state is
 * reached, and returns how many numbers it wrote, or -1 if `events` ran out of room. A closure
 * over the tables rather than a method reading them from `this`: measured about half again as
 * fast. Two bytes per turn measured about a tenth faster than one.
 */
type Loop = (bytes: Uint8Array, length: number, events: Int32Array) => number;

function compileLoop(classOf: Uint8Array, next: Int32Array, firstOutput: number): Loop {
  return (bytes, length, events) => {
    const room = events.length;
    let count = 0;
    let state = 0;
    let i = 0;
    for (; i + 1 < length; i += 2) {
      state = next[state + classOf[bytes[i]!]!]!;
      if (state >= firstOutput) {
        if (count === room) return -1;
        events[count++] = i + 1;
        events[count++] = state;
      }
      state = next[state + classOf[bytes[i + 1]!]!]!;
      if (state >= firstOutput) {
        if (count === room) return -1;
        events[count++] = i + 2;
        events[count++] = state;
      }
    }
    for (; i < length; i++) {
      state = next[state + classOf[bytes[i]!]!]!;
      if (state >= firstOutput) {
        if (count === room) return -1;
        events[count++] = i + 1;
        events[count++] = state;
      }
    }
    return count;
  };
}

export class KeywordAutomaton {
  /** Character code (0–255) to character class. */
  private readonly classOf = new Uint8Array(256);
  private readonly classes: number;
  /** Transition table; states are stored premultiplied by `classes` so a step is one add. */
  private readonly next: Int32Array;
  /** States at or above this (premultiplied) value end at least one keyword. */
  private readonly firstOutput: number;
  /** For each state from `firstOutput` on, the keywords that end there. */
  private readonly outputs: Int32Array[];
  private readonly lengths: Int32Array;
  private readonly loop: Loop;
  private readonly log: HitLog;
  private events: Int32Array = new Int32Array(1024);

  constructor(readonly keywords: readonly string[]) {
    let classes = 1;
    for (const keyword of keywords) {
      for (const char of keyword.toLowerCase()) {
        const code = char.charCodeAt(0);
        if (code >= 128) throw new Error(`keyword "${keyword}" is not ASCII`);
        if (this.classOf[code] !== OTHER) continue;
        this.classOf[code] = classes;
        this.classOf[char.toUpperCase().charCodeAt(0)] = classes;
        classes++;
      }
    }
    this.classes = classes;
    this.lengths = Int32Array.from(keywords, (keyword) => keyword.length);
    this.log = new HitLog(keywords.length);

    const { transitions, outputs } = this.buildAutomaton();
    // Renumber: states without output first (the root stays 0), then those with.
    const order = [...outputs.keys()].filter((state) => outputs[state]!.length === 0);
    const plain = order.length;
    order.push(...[...outputs.keys()].filter((state) => outputs[state]!.length > 0));
    const renumbered = new Int32Array(order.length);
    order.forEach((state, index) => (renumbered[state] = index));
    this.next = new Int32Array(order.length * classes);
    for (let index = 0; index < order.length; index++) {
      const row = order[index]! * classes;
      for (let cls = 0; cls < classes; cls++) this.next[index * classes + cls] = renumbered[transitions[row + cls]!]! * classes;
    }
    this.firstOutput = plain * classes;
    this.outputs = order.slice(plain).map((state) => Int32Array.from(outputs[state]!));
    this.loop = compileLoop(this.classOf, this.next, this.firstOutput);
  }

  /** The goto/failure automaton as a dense table over classes, and each state's keywords. */
  private buildAutomaton(): { transitions: Int32Array; outputs: number[][] } {
    const classes = this.classes;
    // The trie first, in the table that becomes the automaton: 0 means "no edge" (no edge leads
    // back to the root). There are at most as many states as keyword characters, plus the root.
    const capacity = 1 + this.keywords.reduce((sum, keyword) => sum + keyword.length, 0);
    const table = new Int32Array(capacity * classes);
    const outputs: number[][] = [[]];
    this.keywords.forEach((keyword, index) => {
      let state = 0;
      for (const char of keyword.toLowerCase()) {
        const edge = state * classes + this.classOf[char.charCodeAt(0)]!;
        if (table[edge] === 0) {
          table[edge] = outputs.length;
          outputs.push([]);
        }
        state = table[edge]!;
      }
      outputs[state]!.push(index);
    });

    // Breadth-first, so shallower states are complete when a deeper one reads them: each state's
    // failure link is the longest proper suffix that is a state, and a missing edge goes where
    // the failure link's edge goes. The root's missing edges already lead back to the root.
    const fail = new Int32Array(outputs.length);
    const queue = [...table.subarray(0, classes)].filter((target) => target !== 0);
    for (let head = 0; head < queue.length; head++) {
      const state = queue[head]!;
      if (outputs[fail[state]!]!.length > 0) outputs[state] = [...outputs[state]!, ...outputs[fail[state]!]!];
      for (let cls = 0; cls < classes; cls++) {
        const edge = state * classes + cls;
        const fallback = table[fail[state]! * classes + cls]!;
        if (table[edge] === 0) {
          table[edge] = fallback;
        } else {
          fail[table[edge]!] = fallback;
          queue.push(table[edge]!);
        }
      }
    }
    return { transitions: table.subarray(0, outputs.length * classes), outputs };
  }

  /** Every keyword occurrence in `text` and the lines holding them; valid until the next scan. */
  scan(text: string): KeywordHits {
    const bytes = latin1Bytes(text);
    let count = this.loop(bytes, text.length, this.events);
    // Rare (a text with hundreds of occurrences) and the room stays: run again with more.
    while (count === -1) count = this.loop(bytes, text.length, (this.events = new Int32Array(this.events.length * 2)));
    this.log.reset(text);
    const events = this.events;
    for (let e = 0; e < count; e += 2) {
      const end = events[e]!;
      const ended = this.outputs[((events[e + 1]! - this.firstOutput) / this.classes) | 0]!;
      for (let k = 0; k < ended.length; k++) {
        const keyword = ended[k]!;
        if (isAscii(text, end - this.lengths[keyword]!, end)) this.log.add(keyword, end);
      }
    }
    return this.log;
  }
}

/** Whether text[from, to) is ASCII: wider characters can pose as ASCII in the Latin-1 bytes. */
function isAscii(text: string, from: number, to: number): boolean {
  for (let at = from; at < to; at++) if (text.charCodeAt(at) >= 128) return false;
  return true;
}

/** The occurrences of one scan, and the lines holding them once asked for. */
class HitLog implements KeywordHits {
  readonly counts: Int32Array;
  hits = 0;
  hitKeyword: Int32Array = new Int32Array(64);
  hitEnd: Int32Array = new Int32Array(64);
  lineStart: Int32Array = new Int32Array(64);
  lineEnd: Int32Array = new Int32Array(64);
  private text = '';
  private lines = 0;

  constructor(keywords: number) {
    this.counts = new Int32Array(keywords);
  }

  reset(text: string): void {
    for (let h = 0; h < this.hits; h++) this.counts[this.hitKeyword[h]!] = 0;
    this.hits = 0;
    this.lines = 0;
    this.text = text;
  }

  add(keyword: number, end: number): void {
    if (this.hits === this.hitKeyword.length) {
      this.hitKeyword = widen(this.hitKeyword);
      this.hitEnd = widen(this.hitEnd);
    }
    this.counts[keyword]!++;
    this.hitKeyword[this.hits] = keyword;
    this.hitEnd[this.hits] = end;
    this.hits++;
  }

  /** Each line is searched for once, from an occurrence outwards: at most the text's length. */
  lineOf(hit: number): number {
    const last = this.hitEnd[hit]! - 1;
    const current = this.lines - 1;
    if (current >= 0 && last >= this.lineStart[current]! && last < this.lineEnd[current]!) return current;
    if (this.lines === this.lineStart.length) {
      this.lineStart = widen(this.lineStart);
      this.lineEnd = widen(this.lineEnd);
    }
    const newline = this.text.indexOf('\n', last);
    this.lineStart[this.lines] = this.text.lastIndexOf('\n', last) + 1;
    this.lineEnd[this.lines] = newline === -1 ? this.text.length : newline + 1;
    return this.lines++;
  }
}

function widen(from: Int32Array): Int32Array {
  const to = new Int32Array(from.length * 2);
  to.set(from);
  return to;
}
