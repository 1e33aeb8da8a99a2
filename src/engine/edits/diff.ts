/** Unified diff of two texts for the preview shown before applying (Myers' O(ND) line diff). */
import { splitFileLines } from './lines.js';

type Op = { kind: ' ' | '-' | '+'; text: string };

/** Beyond this many inserted plus deleted lines the preview shows the changed region as one replacement. */
const MAX_EDIT_DISTANCE = 2000;

/** Shortest edit script between two line arrays, or undefined when it is longer than `limit`. */
function myers(a: string[], b: string[], limit: number): Op[] | undefined {
  const max = Math.min(a.length + b.length, limit);
  const offset = max + 1;
  const frontier = new Int32Array(2 * max + 3);
  // Only the diagonals -d..d matter at step d, so each snapshot keeps just those.
  const history: Int32Array[] = [];
  let found = false;
  for (let d = 0; d <= max && !found; d++) {
    history.push(frontier.slice(offset - d - 1, offset + d + 2));
    for (let k = -d; k <= d; k += 2) {
      const down = k === -d || (k !== d && frontier[offset + k - 1]! < frontier[offset + k + 1]!);
      let x = down ? frontier[offset + k + 1]! : frontier[offset + k - 1]! + 1;
      let y = x - k;
      while (x < a.length && y < b.length && a[x] === b[y]) {
        x++;
        y++;
      }
      frontier[offset + k] = x;
      if (x >= a.length && y >= b.length) {
        found = true;
        break;
      }
    }
  }
  if (!found) return undefined;
  const ops: Op[] = [];
  let x = a.length;
  let y = b.length;
  for (let d = history.length - 1; d >= 0; d--) {
    const snapshot = history[d]!;
    const at = (k: number) => snapshot[k + d + 1]!;
    const k = x - y;
    const down = k === -d || (k !== d && at(k - 1) < at(k + 1));
    const prevK = down ? k + 1 : k - 1;
    const prevX = d === 0 ? 0 : at(prevK);
    const prevY = d === 0 ? 0 : prevX - prevK;
    while (x > prevX && y > prevY) {
      x--;
      y--;
      ops.push({ kind: ' ', text: a[x]! });
    }
    if (d > 0) {
      if (down) ops.push({ kind: '+', text: b[--y]! });
      else ops.push({ kind: '-', text: a[--x]! });
    }
  }
  return ops.reverse();
}

function diffLines(a: string[], b: string[]): Op[] {
  let prefix = 0;
  while (prefix < a.length && prefix < b.length && a[prefix] === b[prefix]) prefix++;
  let suffix = 0;
  while (suffix < a.length - prefix && suffix < b.length - prefix && a[a.length - 1 - suffix] === b[b.length - 1 - suffix]) suffix++;
  const middleA = a.slice(prefix, a.length - suffix);
  const middleB = b.slice(prefix, b.length - suffix);
  const middle = myers(middleA, middleB, MAX_EDIT_DISTANCE) ?? [
    ...middleA.map((text): Op => ({ kind: '-', text })),
    ...middleB.map((text): Op => ({ kind: '+', text })),
  ];
  return [
    ...a.slice(0, prefix).map((text): Op => ({ kind: ' ', text })),
    ...middle,
    ...a.slice(a.length - suffix).map((text): Op => ({ kind: ' ', text })),
  ];
}

const CONTEXT = 3;

/** `--- a/path` / `+++ b/path` diff with 3 lines of context; '' when nothing changed. */
export function unifiedDiff(path: string, before: string | undefined, after: string): string {
  const a = before === undefined ? [] : splitFileLines(before).lines;
  const b = splitFileLines(after).lines;
  const ops = diffLines(a, b);
  if (!ops.some((op) => op.kind !== ' ')) return '';
  const out = [`--- ${before === undefined ? '/dev/null' : `a/${path}`}`, `+++ b/${path}`];
  let i = 0;
  while (i < ops.length) {
    if (ops[i]!.kind === ' ') {
      i++;
      continue;
    }
    // Grow the hunk while the next change is within 2 * CONTEXT unchanged lines.
    const start = Math.max(0, i - CONTEXT);
    let end = i;
    for (;;) {
      while (end < ops.length && ops[end]!.kind !== ' ') end++;
      let next = end;
      while (next < ops.length && ops[next]!.kind === ' ') next++;
      if (next < ops.length && next - end <= 2 * CONTEXT) end = next;
      else break;
    }
    const stop = Math.min(ops.length, end + CONTEXT);
    let oldLine = 1;
    let newLine = 1;
    for (let j = 0; j < start; j++) {
      if (ops[j]!.kind !== '+') oldLine++;
      if (ops[j]!.kind !== '-') newLine++;
    }
    const hunk = ops.slice(start, stop);
    const oldCount = hunk.filter((op) => op.kind !== '+').length;
    const newCount = hunk.filter((op) => op.kind !== '-').length;
    out.push(`@@ -${oldCount === 0 ? oldLine - 1 : oldLine},${oldCount} +${newCount === 0 ? newLine - 1 : newLine},${newCount} @@`);
    for (const op of hunk) out.push(`${op.kind}${op.text}`);
    i = stop;
  }
  return `${out.join('\n')}\n`;
}
