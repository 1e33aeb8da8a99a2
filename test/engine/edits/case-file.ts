/**
 * Reads the edit-corpus case files in fixtures/edits/cases/. A case is plain text:
 *
 *     # what the case checks
 *     format: search-replace | whole | udiff
 *     === file: src/a.py [crlf] [noeol]     original file (flags: CRLF line endings, no final newline)
 *     === symlink: link -> {outside}/x      symlink; {outside} is a directory next to the repository
 *     === answer [crlf]                     the model's answer
 *     === expect                            "applied: N" and one "failure: <kind> <path>" per failure, in order
 *     === expect file: src/a.py [crlf]      the file's content afterwards; unlisted files must be unchanged
 *     === expect absent: src/b.py           the file must not exist afterwards
 *
 * A section's content is every line up to the next "=== " header.
 */
import type { EditFormat, FailureKind } from '../../../src/engine/edits/types.js';

export interface EditCase {
  name: string;
  description: string;
  format: EditFormat;
  files: Map<string, string>;
  symlinks: Map<string, string>;
  answer: string;
  applied: number;
  failures: Array<{ kind: FailureKind; path: string }>;
  expectedFiles: Map<string, string>;
  expectedAbsent: string[];
}

const HEADER = /^=== (file|symlink|answer|expect file|expect absent|expect)(?::\s*(.*?))?((?:\s+\[(?:crlf|noeol)\])*)\s*$/;

function applyFlags(lines: string[], flags: string): string {
  let text = lines.length === 0 ? '' : `${lines.join('\n')}\n`;
  if (flags.includes('[noeol]')) text = text.replace(/\n$/, '');
  if (flags.includes('[crlf]')) text = text.replace(/\n/g, '\r\n');
  return text;
}

export function parseCase(name: string, source: string): EditCase {
  const lines = source.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const description: string[] = [];
  let format: EditFormat | undefined;
  const result: Omit<EditCase, 'format'> = {
    name,
    description: '',
    files: new Map(),
    symlinks: new Map(),
    answer: '',
    applied: 0,
    failures: [],
    expectedFiles: new Map(),
    expectedAbsent: [],
  };
  let i = 0;
  for (; i < lines.length && !lines[i]!.startsWith('=== '); i++) {
    const line = lines[i]!;
    if (line.startsWith('#')) description.push(line.replace(/^#\s?/, ''));
    else if (line.startsWith('format:')) format = line.slice('format:'.length).trim() as EditFormat;
    else if (line.trim() !== '') throw new Error(`${name}: unexpected header line "${line}"`);
  }
  if (format !== 'search-replace' && format !== 'whole' && format !== 'udiff') throw new Error(`${name}: missing or unknown format`);
  let sawExpect = false;
  while (i < lines.length) {
    const header = HEADER.exec(lines[i]!);
    if (!header) throw new Error(`${name}: bad section header "${lines[i]}"`);
    const [, kind, argument = '', flags = ''] = header;
    const body: string[] = [];
    for (i++; i < lines.length && !lines[i]!.startsWith('=== '); i++) body.push(lines[i]!);
    const text = applyFlags(body, flags);
    if (kind === 'file') result.files.set(argument, text);
    else if (kind === 'answer') result.answer = text;
    else if (kind === 'expect file') result.expectedFiles.set(argument, text);
    else if (kind === 'expect absent') result.expectedAbsent.push(argument);
    else if (kind === 'symlink') {
      const [link, target] = argument.split(/\s*->\s*/);
      if (!link || !target) throw new Error(`${name}: symlink needs "link -> target"`);
      result.symlinks.set(link, target);
    } else {
      sawExpect = true;
      for (const line of body) {
        const applied = /^applied:\s*(\d+)$/.exec(line);
        const failure = /^failure:\s*(\S+)\s+(.+)$/.exec(line);
        if (applied) result.applied = Number(applied[1]);
        else if (failure) result.failures.push({ kind: failure[1] as FailureKind, path: failure[2]!.trim() });
        else if (line.trim() !== '') throw new Error(`${name}: bad expect line "${line}"`);
      }
    }
  }
  if (!sawExpect) throw new Error(`${name}: no "=== expect" section`);
  return { ...result, format, description: description.join(' ') };
}
