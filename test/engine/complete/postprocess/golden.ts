/**
 * Golden cases for the post-processing filters, kept as data: a document with `║` at the
 * cursor, what the model produced, and what the filter must make of it. Adding a case is one
 * line in a filter's `cases` array.
 */
import { describe, expect, it } from 'vitest';
import type { LanguageId } from '../../../../src/context/languages.js';
import type { PostprocessContext, PostprocessFilter } from '../../../../src/engine/complete/postprocess/types.js';

export const CURSOR = '║';

export interface GoldenCase {
  name: string;
  language?: LanguageId;
  /** Defaults to a file name for the language. */
  path?: string;
  /** The document, with CURSOR where the completion goes. */
  document: string;
  completion: string;
  /** What the filter returns: omitted when the completion must be left alone, null when it must be rejected. */
  expected?: string | null;
  /** Defaults to true. */
  multiline?: boolean;
}

const PATHS: Partial<Record<LanguageId, string>> = {
  python: 'src/app.py',
  typescript: 'src/app.ts',
  go: 'main.go',
  java: 'src/Main.java',
  c: 'main.c',
  cpp: 'main.cpp',
  rust: 'src/lib.rs',
  csharp: 'Program.cs',
  javascript: 'app.js',
};

export function contextOf(golden: GoldenCase): PostprocessContext {
  const at = golden.document.indexOf(CURSOR);
  if (at === -1 || golden.document.indexOf(CURSOR, at + 1) !== -1) throw new Error(`golden case "${golden.name}" needs exactly one ${CURSOR}`);
  return {
    path: golden.path ?? (golden.language ? PATHS[golden.language] ?? `file.${golden.language}` : 'notes.txt'),
    ...(golden.language ? { language: golden.language } : {}),
    prefix: golden.document.slice(0, at),
    suffix: golden.document.slice(at + CURSOR.length),
    multiline: golden.multiline ?? true,
  };
}

/** One test per case: fixes become what `expected` says, everything else comes back unchanged. */
export function goldenSuite(filter: PostprocessFilter, cases: readonly GoldenCase[]): void {
  describe(`${filter.name} golden cases`, () => {
    it.each(cases.map((golden) => [golden.name, golden] as const))('%s', async (_name, golden) => {
      const result = await filter.apply(golden.completion, contextOf(golden));
      const expected = golden.expected === undefined ? golden.completion : golden.expected === null ? undefined : golden.expected;
      expect(result).toBe(expected);
    });
  });
}
