import { evalDataFile } from '../support/eval-data.js';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import draft04 from 'ajv-draft-04';
import { describe, expect, it } from 'vitest';
import { createStyle, type Style } from '../../src/cli/style.js';
import { renderJson } from '../../src/secrets/report/json.js';
import { artifactLocation, renderSarif } from '../../src/secrets/report/sarif.js';
import { renderText } from '../../src/secrets/report/text.js';
import { scanText } from '../../src/secrets/scan.js';
import type { Finding, SecretRule } from '../../src/secrets/types.js';

// shared/ sits beside the repository checkout, in development and in CI alike.
const SCHEMA_PATH = evalDataFile('sarif-schema-2.1.0.json');

const TOKEN_RULE: SecretRule = {
  id: 'test-token',
  description: 'Test service token',
  keywords: ['tok_'],
  pattern: /\b(tok_[a-z0-9]{24})\b/g,
  examples: { positive: [], negative: [] },
};
const GENERIC_RULE: SecretRule = {
  id: 'generic-password',
  description: 'Password assignment',
  keywords: ['password'],
  pattern: /password\s*=\s*"([^"]{8,})"/gi,
  generic: true,
  examples: { positive: [], negative: [] },
};
const RULES = [TOKEN_RULE, GENERIC_RULE];

function finding(overrides: Partial<Finding> = {}): Finding {
  return {
    rule: 'test-token',
    description: 'Test service token',
    file: 'src/config.ts',
    line: 3,
    column: 15,
    endLine: 3,
    endColumn: 43,
    match: 'tok_a1b2************',
    fingerprint: 'src/config.ts:test-token:0123456789abcdef',
    ...overrides,
  };
}

const plain = createStyle(false);

/** Wraps instead of colouring, to show which parts the renderer styled. */
const marking: Style = {
  enabled: true,
  bold: (t) => `<b>${t}</b>`,
  dim: (t) => `<dim>${t}</dim>`,
  red: (t) => `<red>${t}</red>`,
  green: (t) => `<green>${t}</green>`,
  yellow: (t) => `<yellow>${t}</yellow>`,
  cyan: (t) => `<cyan>${t}</cyan>`,
};

describe('renderText', () => {
  it('says so when there is nothing', () => {
    expect(renderText([], plain)).toBe('no secrets found');
  });

  it('renders one block per finding and a summary counting files', () => {
    const out = renderText(
      [
        finding(),
        finding({ line: 9, column: 1, fingerprint: 'x:2' }),
        finding({ file: 'deploy/.env', rule: 'generic-password', description: 'Password assignment', match: 'DB_PASSWORD="hunt****"' }),
      ],
      plain,
    );
    expect(out).toBe(
      [
        'src/config.ts:3:15  test-token  Test service token',
        '    tok_a1b2************',
        '',
        'src/config.ts:9:1  test-token  Test service token',
        '    tok_a1b2************',
        '',
        'deploy/.env:3:15  generic-password  Password assignment',
        '    DB_PASSWORD="hunt****"',
        '',
        '3 secrets found in 2 files',
      ].join('\n'),
    );
    expect(out).not.toMatch(/\u001b/);
  });

  it('uses the singular for one secret in one file', () => {
    expect(renderText([finding()], plain).split('\n').at(-1)).toBe('1 secret found in 1 file');
  });

  it('adds commit, author and date when the finding comes from history', () => {
    const out = renderText([finding({ commit: '3f2a9c1d', author: 'Jane Doe <jane@example.com>', date: '2024-05-01T10:00:00Z' })], plain);
    expect(out.split('\n')[2]).toBe('    commit 3f2a9c1d  Jane Doe <jane@example.com>  2024-05-01T10:00:00Z');
  });

  it('indents every line of a multi-line match', () => {
    const out = renderText([finding({ match: '-----BEGIN PRIVATE KEY-----\r\nMIIE************\n-----END PRIVATE KEY-----' })], plain);
    expect(out.split('\n').slice(1, 4)).toEqual(['    -----BEGIN PRIVATE KEY-----', '    MIIE************', '    -----END PRIVATE KEY-----']);
  });

  it('escapes control characters from scanned content instead of sending them to the terminal', () => {
    const out = renderText([finding({ file: 'a\u001b[2Jb.txt', match: 'x\u001b]0;pwned\u0007 tok_****\r' })], plain);
    expect(out).not.toMatch(/[\u0000-\u0008\u000b-\u001f]/);
    expect(out).toContain('a\\u001b[2Jb.txt:3:15');
    expect(out).toContain('x\\u001b]0;pwned\\u0007 tok_****\\r');
  });

  it('colours only through the style', () => {
    const out = renderText([finding({ commit: 'abc' })], marking);
    expect(out).toContain('<b>src/config.ts:3:15</b>  <yellow>test-token</yellow>  Test service token');
    expect(out).toContain('    <red>tok_a1b2************</red>');
    expect(out).toContain('    <dim>commit abc</dim>');
    expect(out).toContain('<b><red>1 secret found in 1 file</red></b>');
    expect(renderText([], marking)).toBe('<green>no secrets found</green>');
  });

  it('shows a path-less finding as <input>', () => {
    expect(renderText([finding({ file: '' })], plain)).toMatch(/^<input>:3:15 /);
  });
});

describe('renderJson', () => {
  it('is an empty array for no findings', () => {
    expect(JSON.parse(renderJson([]))).toEqual([]);
  });

  it('keeps a fixed key order, omits absent provenance and drops internal fields', () => {
    const located = { ...finding({ commit: 'c0ffee', author: 'Jane', date: '2024-05-01' }), start: 10, end: 38 };
    const [withCommit, without] = JSON.parse(renderJson([located, finding()])) as Record<string, unknown>[];
    expect(Object.keys(withCommit!)).toEqual([
      'rule', 'description', 'file', 'line', 'column', 'endLine', 'endColumn', 'match', 'fingerprint', 'commit', 'author', 'date',
    ]);
    expect(Object.keys(without!)).toEqual(['rule', 'description', 'file', 'line', 'column', 'endLine', 'endColumn', 'match', 'fingerprint']);
    expect(withCommit).toMatchObject({ line: 3, column: 15, commit: 'c0ffee' });
  });

  it('is pretty-printed with two spaces and no trailing newline', () => {
    const out = renderJson([finding()]);
    expect(out.split('\n')[1]).toBe('  {');
    expect(out.split('\n')[2]).toBe('    "rule": "test-token",');
    expect(out.endsWith(']')).toBe(true);
  });

  it('round-trips real scanner output without the secret', () => {
    const secret = 'tok_q8w7e6r5t4y3u2i1o9p8a7s6'; // inline:allow (fixture value)
    const found = scanText(`const a = 1;\nconst token = "${secret}";\n`, { path: 'a.ts', rules: RULES });
    const [entry] = JSON.parse(renderJson(found)) as Finding[];
    expect(entry).toMatchObject({ rule: 'test-token', file: 'a.ts', line: 2, column: 16 });
    expect(renderJson(found)).not.toContain(secret);
  });
});

describe('renderSarif', () => {
  const Ajv = draft04.default;
  const ajv = new Ajv({ allErrors: true, strict: false });
  // RFC 3986 characters only: a raw space or non-ASCII letter in a URI is exactly the bug to catch.
  const uriChars = /^(?:[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*$/;
  ajv.addFormat('uri', (value: string) => uriChars.test(value) && /^[A-Za-z][A-Za-z0-9+.-]*:/.test(value));
  ajv.addFormat('uri-reference', (value: string) => uriChars.test(value));
  ajv.addFormat('date-time', (value: string) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)$/.test(value));
  const validate = ajv.compile(JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')) as object);

  function valid(text: string): any {
    const log = JSON.parse(text);
    const ok = validate(log);
    expect(ok ? [] : validate.errors).toEqual([]);
    return log;
  }

  it('has a validator that rejects broken logs (so passing means something)', () => {
    const log = JSON.parse(renderSarif([finding()], RULES, '0.1.0'));
    log.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri = 'a b/ç.ts';
    expect(validate(log)).toBe(false);
    const wrongLevel = JSON.parse(renderSarif([finding()], RULES, '0.1.0'));
    wrongLevel.runs[0].results[0].level = 'fatal';
    expect(validate(wrongLevel)).toBe(false);
    const zeroLine = JSON.parse(renderSarif([finding({ line: 0 })], RULES, '0.1.0'));
    expect(validate(zeroLine)).toBe(false);
  });

  it('produces a valid log with no results', () => {
    const log = valid(renderSarif([], RULES, '0.1.0'));
    expect(log.version).toBe('2.1.0');
    expect(log.runs).toHaveLength(1);
    expect(log.runs[0].results).toEqual([]);
    expect(log.runs[0].tool.driver).toMatchObject({ name: 'inline', version: '0.1.0' });
    expect(log.runs[0].tool.driver.rules.map((r: { id: string }) => r.id)).toEqual(['test-token', 'generic-password']);
    expect(log.runs[0].originalUriBaseIds['%SRCROOT%']).toBeDefined();
  });

  it('produces a valid log for several findings with commits and awkward paths', () => {
    const findings = [
      finding(),
      finding({ file: 'docs/my notes/naïve café.env', rule: 'generic-password', description: 'Password assignment', commit: 'c0ffee1234', author: 'Zoë <z@example.com>', date: '2024-05-01T10:00:00Z' }),
      finding({ file: './deploy/100% #1?.yml', line: 1, column: 1, endLine: 2, endColumn: 5, commit: 'deadbeef' }),
      finding({ file: 'src/x.ts', rule: 'custom-rule', description: 'A rule outside the set' }),
    ];
    const log = valid(renderSarif(findings, RULES, '1.2.3', { srcRoot: '/srv/repo' }));
    const run = log.runs[0];
    expect(run.originalUriBaseIds['%SRCROOT%']).toEqual({ uri: 'file:///srv/repo/' });
    expect(run.results).toHaveLength(4);
    const [first, second, third, fourth] = run.results;
    expect(first).toMatchObject({ ruleId: 'test-token', ruleIndex: 0, level: 'error', partialFingerprints: { 'inline/v1': findings[0]!.fingerprint } });
    expect(first.properties).toBeUndefined();
    expect(first.locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: 'src/config.ts', uriBaseId: '%SRCROOT%' },
      region: { startLine: 3, startColumn: 15, endLine: 3, endColumn: 43, snippet: { text: 'tok_a1b2************' } },
    });
    expect(second.ruleIndex).toBe(1);
    expect(second.locations[0].physicalLocation.artifactLocation.uri).toBe('docs/my%20notes/na%C3%AFve%20caf%C3%A9.env');
    expect(second.properties).toEqual({ commit: 'c0ffee1234', author: 'Zoë <z@example.com>', date: '2024-05-01T10:00:00Z' });
    expect(second.message.text).toContain('c0ffee1234');
    expect(third.locations[0].physicalLocation.artifactLocation.uri).toBe('deploy/100%25%20%231%3F.yml');
    expect(third.properties).toEqual({ commit: 'deadbeef' });
    expect(fourth.ruleIndex).toBe(2);
    expect(run.tool.driver.rules[2]).toMatchObject({ id: 'custom-rule', name: 'CustomRule', shortDescription: { text: 'A rule outside the set' } });
    for (const result of run.results) expect(run.tool.driver.rules[result.ruleIndex].id).toBe(result.ruleId);
  });

  it('describes rules with level error and a readable name', () => {
    const log = valid(renderSarif([], RULES, '0.1.0'));
    expect(log.runs[0].tool.driver.rules[0]).toMatchObject({
      id: 'test-token',
      name: 'TestToken',
      shortDescription: { text: 'Test service token' },
      defaultConfiguration: { level: 'error' },
      properties: { precision: 'high' },
    });
    expect(log.runs[0].tool.driver.rules[1].properties.precision).toBe('medium');
  });

  it('gives findings from text without a path no location', () => {
    const log = valid(renderSarif([finding({ file: '' })], RULES, '0.1.0'));
    expect(log.runs[0].results[0].locations).toEqual([]);
  });

  it('never contains the secret itself', () => {
    const secret = 'tok_q8w7e6r5t4y3u2i1o9p8a7s6'; // inline:allow (fixture value)
    const found = scanText(`token = "${secret}"\npassword = "correct horse battery"\n`, { path: 'conf/app.ini', rules: RULES });
    expect(found).toHaveLength(2);
    const out = renderSarif(found, RULES, '0.1.0');
    valid(out);
    expect(out).not.toContain(secret);
    expect(out).not.toContain('correct horse battery');
  });
});

describe('artifactLocation', () => {
  it('makes absolute paths file URIs without a base', () => {
    expect(artifactLocation('/home/me/a b.txt', '/')).toEqual({ uri: 'file:///home/me/a%20b.txt' });
    expect(artifactLocation('C:\\repo\\a b.txt', '\\')).toEqual({ uri: 'file:///C:/repo/a%20b.txt' });
  });

  it('treats backslashes as separators only on Windows', () => {
    expect(artifactLocation('src\\a.ts', '\\')).toEqual({ uri: 'src/a.ts', uriBaseId: '%SRCROOT%' });
    expect(artifactLocation('src\\a.ts', '/')).toEqual({ uri: 'src%5Ca.ts', uriBaseId: '%SRCROOT%' });
  });

  it('keeps a colon in a relative name from reading as a scheme', () => {
    expect(artifactLocation('c:notes.txt', '/').uri).toBe('c%3Anotes.txt');
  });
});
