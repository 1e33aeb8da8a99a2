/**
 * Where a streamed completion should end, decided as text arrives so the request can be cancelled
 * as soon as every candidate is complete. These are cheap, lenient rules run on every delta; the
 * exact, language-aware cut is the block-end post-processing filter's job. A single-line request
 * stops at the end of its line; a multi-line one where the code leaves the block the cursor is
 * in, after too many lines, at a run of blank lines, or where the model repeats a line.
 */
export interface BlockEndRules {
  multiline: boolean;
  /** Indentation of the cursor's line. */
  indent: string;
  /** Whether the line before the cursor opens a block (its body is what comes next). */
  opensBlock: boolean;
  maxLines: number;
}

export interface Cut {
  /** The completion cut to its end. */
  text: string;
  /** True once nothing more from this candidate can be kept. */
  done: boolean;
}

const CLOSER = /^\s*(?:[)\]}]|end\b|fi\b|done\b|esac\b)/;

function width(indent: string): number {
  let columns = 0;
  for (const char of indent) columns += char === '\t' ? 4 : 1;
  return columns;
}

/**
 * Cuts `text` (everything generated so far) at its end, if the end has already arrived. Only whole
 * lines are judged: the last, unfinished line waits for more text unless the stream has `ended`.
 * Line 0 continues the cursor's line; every later line starts at column 0 and carries its own indent.
 */
export function cutAtBlockEnd(text: string, rules: BlockEndRules, ended = false): Cut {
  const lines = text.split('\n');
  const judged = ended ? lines.length : lines.length - 1;
  if (!rules.multiline) return lines.length > 1 ? { text: lines[0]!, done: true } : { text, done: ended };
  const base = width(rules.indent);
  const cutBefore = (line: number): Cut => ({ text: lines.slice(0, line).join('\n').replace(/\n+$/, ''), done: true });
  let blankRun = 0;
  for (let i = 1; i < judged; i++) {
    const line = lines[i]!;
    const trimmed = line.trim();
    if (trimmed === '') {
      if (++blankRun >= 2) return cutBefore(i - 1);
      continue;
    }
    blankRun = 0;
    const lineWidth = width(/^[ \t]*/.exec(line)![0]);
    if (lineWidth < base) return cutBefore(i);
    if (lineWidth === base && rules.opensBlock) return cutBefore(CLOSER.test(line) ? i + 1 : i);
    if (trimmed.length > 3 && trimmed === previousNonBlank(lines, i)) return cutBefore(i);
    if (i + 1 >= rules.maxLines) return cutBefore(i + 1);
  }
  return { text, done: ended };
}

function previousNonBlank(lines: string[], before: number): string | undefined {
  for (let i = before - 1; i >= 0; i--) {
    const trimmed = lines[i]!.trim();
    if (trimmed !== '') return trimmed;
  }
  return undefined;
}
