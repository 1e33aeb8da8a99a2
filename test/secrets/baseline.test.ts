import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyBaseline, readBaseline, writeBaseline } from '../../src/secrets/baseline.js';
import type { Finding } from '../../src/secrets/types.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'inline-baseline-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function finding(fingerprint: string, line = 1): Finding {
  return {
    rule: 'test-token',
    description: 'Test token',
    file: 'a.ts',
    line,
    column: 1,
    endLine: line,
    endColumn: 10,
    match: 'tok_****',
    fingerprint,
  };
}

const write = (name: string, content: string) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

describe('writeBaseline and readBaseline', () => {
  it('round-trips sorted unique fingerprints', () => {
    const path = join(dir, 'baseline.json');
    writeBaseline(path, [finding('b:2'), finding('a:1'), finding('b:2', 7)]);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ version: 1, fingerprints: ['a:1', 'b:2'] });
    expect(readFileSync(path, 'utf8').endsWith('}\n')).toBe(true);
    expect([...readBaseline(path)]).toEqual(['a:1', 'b:2']);
  });

  it('writes an empty baseline for no findings', () => {
    const path = join(dir, 'empty.json');
    writeBaseline(path, []);
    expect(readBaseline(path).size).toBe(0);
  });

  it('replaces an existing file and leaves no temporary files behind', () => {
    const path = join(dir, 'baseline.json');
    writeBaseline(path, [finding('old')]);
    writeBaseline(path, [finding('new')]);
    expect([...readBaseline(path)]).toEqual(['new']);
    expect(readdirSync(dir)).toEqual(['baseline.json']);
  });

  it('creates missing parent directories', () => {
    const path = join(dir, 'nested', 'deeper', 'baseline.json');
    writeBaseline(path, [finding('x')]);
    expect([...readBaseline(path)]).toEqual(['x']);
  });

  it('keeps the old file and cleans up when the rename fails', () => {
    // A directory where the file should go makes the final rename fail after the temp file exists.
    const target = join(dir, 'taken');
    writeBaseline(join(target, 'inner.json'), [finding('keep')]);
    expect(() => writeBaseline(target, [finding('lost')])).toThrow(/baseline .*taken: cannot write/);
    expect(readdirSync(dir)).toEqual(['taken']);
    expect([...readBaseline(join(target, 'inner.json'))]).toEqual(['keep']);
  });
});

describe('readBaseline inputs', () => {
  it('accepts a gitleaks report with Fingerprint', () => {
    const path = write(
      'gitleaks.json',
      JSON.stringify([
        { Description: 'AWS', StartLine: 3, File: 'a.env', RuleID: 'aws-access-token', Fingerprint: 'a.env:aws-access-token:3' },
        { Description: 'GitHub', File: 'b.yml', RuleID: 'github-pat', Fingerprint: 'c0ffee:b.yml:github-pat:9' },
      ]),
    );
    expect([...readBaseline(path)]).toEqual(['a.env:aws-access-token:3', 'c0ffee:b.yml:github-pat:9']);
  });

  it('accepts our own JSON report with fingerprint, and a byte-order mark', () => {
    const path = write('report.json', `\uFEFF${JSON.stringify([finding('a.ts:test-token:1234'), finding('a.ts:test-token:1234')])}`);
    expect([...readBaseline(path)]).toEqual(['a.ts:test-token:1234']);
  });

  it('names the file when it is missing', () => {
    const path = join(dir, 'nope.json');
    expect(() => readBaseline(path)).toThrow(`baseline ${path}: cannot read`);
  });

  it('names the file when it is not JSON', () => {
    const path = write('bad.json', '{ "version": 1, ');
    expect(() => readBaseline(path)).toThrow(new RegExp(`^baseline ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: not valid JSON`));
  });

  it.each([
    ['a bare string', '"hello"', /expected \{ "version": 1/],
    ['an unrelated object', '{"foo": 1}', /expected \{ "version": 1/],
    ['null', 'null', /expected \{ "version": 1/],
    ['an unknown version', '{"version": 2, "fingerprints": []}', /unsupported version 2/],
    ['a missing version', '{"fingerprints": []}', /unsupported version undefined/],
    ['fingerprints not an array', '{"version": 1, "fingerprints": "a"}', /"fingerprints" must be an array/],
    ['a non-string fingerprint', '{"version": 1, "fingerprints": ["a", 3]}', /fingerprints\[1\] is not a non-empty string/],
    ['a finding without a fingerprint', '[{"fingerprint": "a"}, {"rule": "x"}]', /finding 1 has no "fingerprint"/],
    ['an array of strings', '["a"]', /finding 0 has no "fingerprint"/],
  ])('rejects %s with a clear error', (_name, content, message) => {
    const path = write('shape.json', content);
    let error: Error | undefined;
    try {
      readBaseline(path);
    } catch (caught) {
      error = caught as Error;
    }
    expect(error?.message).toMatch(message);
    expect(error?.message.startsWith(`baseline ${path}: `)).toBe(true);
  });
});

describe('applyBaseline', () => {
  it('drops known findings and keeps the order of the rest', () => {
    const findings = [finding('a'), finding('b'), finding('c'), finding('a', 9)];
    expect(applyBaseline(findings, new Set(['a'])).map((f) => f.fingerprint)).toEqual(['b', 'c']);
    expect(applyBaseline(findings, new Set())).toEqual(findings);
  });

  it('hides only what was baselined: a new secret in the same file still shows', () => {
    const path = join(dir, 'baseline.json');
    writeBaseline(path, [finding('a.ts:test-token:old')]);
    const later = [finding('a.ts:test-token:old', 40), finding('a.ts:test-token:new', 41)];
    expect(applyBaseline(later, readBaseline(path)).map((f) => f.fingerprint)).toEqual(['a.ts:test-token:new']);
  });
});
