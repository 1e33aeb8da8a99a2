/**
 * Runs every case in fixtures/edits/cases/ through planEdits + applyPlan in a fresh directory and
 * checks the exact resulting tree: an edit landing anywhere but where the case expects changes
 * some byte and fails the case. Every failure must come with feedback naming its file and, when
 * the file has lines, quoting the nearest ones.
 */
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { applyPlan, planEdits } from '../../../src/engine/edits/index.js';
import { parseCase, type EditCase } from './case-file.js';

const CASES_DIR = fileURLToPath(new URL('../../../fixtures/edits/cases/', import.meta.url));
const caseNames = readdirSync(CASES_DIR).filter((name) => name.endsWith('.case')).sort();
const cases = caseNames.map((name) => parseCase(name, readFileSync(join(CASES_DIR, name), 'utf8')));
const base = realpathSync(mkdtempSync(join(tmpdir(), 'inline-edits-corpus-')));
afterAll(() => rmSync(base, { recursive: true, force: true }));

const OUTSIDE_SECRET = 'kept outside the repository\n';

/** Every entry under `dir`: regular files by content, symlinks by target. */
function snapshot(dir: string, prefix = ''): Map<string, string> {
  const entries = new Map<string, string>();
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    const rel = prefix + name;
    const stat = lstatSync(full);
    if (stat.isSymbolicLink()) entries.set(rel, `symlink -> ${readlinkSync(full)}`);
    else if (stat.isDirectory()) for (const [path, content] of snapshot(full, `${rel}/`)) entries.set(path, content);
    else entries.set(rel, readFileSync(full, 'utf8'));
  }
  return entries;
}

function setUp(testCase: EditCase, index: number): { root: string; outside: string } {
  const dir = join(base, String(index));
  const root = join(dir, 'repo');
  const outside = join(dir, 'outside');
  mkdirSync(root, { recursive: true });
  mkdirSync(outside, { recursive: true });
  writeFileSync(join(outside, 'secret.txt'), OUTSIDE_SECRET);
  for (const [path, content] of testCase.files) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  for (const [link, target] of testCase.symlinks) {
    mkdirSync(dirname(join(root, link)), { recursive: true });
    symlinkSync(target.replace('{outside}', outside), join(root, link));
  }
  return { root, outside };
}

describe('edit corpus', () => {
  it('has at least 100 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(100);
  });

  it.each(cases.map((testCase, index) => [testCase.name, testCase, index] as const))('%s', (_name, testCase, index) => {
    const { root, outside } = setUp(testCase, index);
    const original = snapshot(root);
    const plan = planEdits(testCase.answer, { root, format: testCase.format });
    if (plan.files.length > 0) applyPlan(plan);

    const applied = plan.results.filter((result) => result.ok).length;
    expect({ applied, failures: plan.failures.map(({ kind, path }) => ({ kind, path })) }).toEqual({
      applied: testCase.applied,
      failures: testCase.failures,
    });

    // The whole tree, byte for byte: nothing else was touched and no temporary file is left.
    const expected = new Map(original);
    for (const [path, content] of testCase.expectedFiles) expected.set(path, content);
    for (const path of testCase.expectedAbsent) expected.delete(path);
    expect(Object.fromEntries(snapshot(root))).toEqual(Object.fromEntries(expected));
    expect(Object.fromEntries(snapshot(outside))).toEqual({ 'secret.txt': OUTSIDE_SECRET });

    for (const failure of plan.failures) {
      expect(failure.feedback).toContain(failure.path);
      expect(failure.feedback.length).toBeGreaterThan(failure.reason.length);
      const fileText = original.get(failure.path);
      if (['not-found', 'ambiguous', 'placeholder'].includes(failure.kind) && fileText) {
        expect(failure.nearest, `nearest lines for ${failure.kind}`).toBeDefined();
        // Real lines of the file, at the reported place in the file as it was or as the earlier blocks left it.
        const { startLine, lines } = failure.nearest!;
        const windowOf = (text: string) => text.split(/\r?\n/).slice(startLine - 1, startLine - 1 + lines.length);
        expect([windowOf(fileText), windowOf(expected.get(failure.path) ?? '')]).toContainEqual(lines);
        expect(failure.feedback).toContain(lines.join('\n'));
      }
      if (failure.kind === 'ambiguous') expect(failure.matchLines!.length).toBeGreaterThan(1);
    }
  });
});
