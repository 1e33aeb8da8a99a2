/**
 * SARIF 2.1.0 report for code-scanning services (GitHub code scanning, Azure DevOps, IDE viewers).
 *
 * Every rule of the scan is listed, not only those with findings: a consumer then knows the run
 * looked for a secret kind and found none (so an earlier alert of that kind can be closed), and a
 * rule's ruleIndex does not shift from one run to the next as findings come and go.
 */
import { sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Finding, SecretRule } from '../types.js';

const SCHEMA = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';
const SRCROOT = '%SRCROOT%';
const DEFAULT_INFORMATION_URI = 'https://www.npmjs.com/package/inline';
const HELP =
  'Treat the credential as compromised: revoke or rotate it with its provider, then remove it from the code ' +
  '(and from git history if it was committed). Load it from the environment or a secret manager instead. ' +
  'If it is not a secret, add `inline:allow` in a comment on its line or record it in a baseline.';

export interface SarifOptions {
  /** Absolute path the relative artifact URIs resolve against; recorded as %SRCROOT%. */
  srcRoot?: string;
  informationUri?: string;
}

interface SarifRule {
  id: string;
  name: string;
  shortDescription: { text: string };
  help: { text: string };
  defaultConfiguration: { level: 'error' };
  properties: { tags: string[]; precision: 'high' | 'medium' };
}

/** 'aws-access-key' → 'AwsAccessKey': SARIF wants a name that reads as an identifier. */
function ruleName(id: string): string {
  const words = id.split(/[^A-Za-z0-9]+/).filter(Boolean);
  return words.map((word) => word[0]!.toUpperCase() + word.slice(1)).join('') || id;
}

function describeRule(id: string, description: string, generic: boolean): SarifRule {
  return {
    id,
    name: ruleName(id),
    shortDescription: { text: description },
    help: { text: HELP },
    defaultConfiguration: { level: 'error' },
    properties: { tags: ['security', 'secret'], precision: generic ? 'medium' : 'high' },
  };
}

const encodeSegments = (path: string) => path.split('/').map(encodeURIComponent).join('/');

/**
 * The artifact URI of a scanned path. Relative paths become relative URI references against
 * %SRCROOT%; absolute ones become file URIs, which need no base. Backslashes only separate
 * directories on Windows: elsewhere they are part of a file name and get percent-encoded.
 */
export function artifactLocation(file: string, separator: string = sep): { uri: string; uriBaseId?: string } {
  const path = separator === '\\' ? file.replace(/\\/g, '/') : file;
  const drive = /^([A-Za-z]):\//.exec(path);
  if (drive) return { uri: `file:///${drive[1]}:/${encodeSegments(path.slice(3))}` };
  if (path.startsWith('/')) return { uri: `file://${encodeSegments(path)}` };
  return { uri: encodeSegments(path.replace(/^(?:\.\/)+/, '')), uriBaseId: SRCROOT };
}

function message(finding: Finding): string {
  const where = finding.commit ? ` in commit ${finding.commit}` : '';
  return `${finding.description} (${finding.rule})${where}. The secret is masked in this report.`;
}

function result(finding: Finding, ruleIndex: number) {
  const provenance: Record<string, string> = {};
  if (finding.commit !== undefined) provenance.commit = finding.commit;
  if (finding.author !== undefined) provenance.author = finding.author;
  if (finding.date !== undefined) provenance.date = finding.date;
  const region = {
    startLine: finding.line,
    startColumn: finding.column,
    endLine: finding.endLine,
    endColumn: finding.endColumn,
    snippet: { text: finding.match },
  };
  return {
    ruleId: finding.rule,
    ruleIndex,
    level: 'error' as const,
    message: { text: message(finding) },
    // Text given to the scanner without a path (a prompt, stdin) has no artifact to point at.
    locations: finding.file === '' ? [] : [{ physicalLocation: { artifactLocation: artifactLocation(finding.file), region } }],
    partialFingerprints: { 'inline/v1': finding.fingerprint },
    ...(Object.keys(provenance).length > 0 ? { properties: provenance } : {}),
  };
}

/** The SARIF log without a trailing newline, so callers can print it with console.log. */
export function renderSarif(
  findings: Finding[],
  rules: readonly SecretRule[],
  toolVersion: string,
  options: SarifOptions = {},
): string {
  const descriptors: SarifRule[] = [];
  const indexOf = new Map<string, number>();
  const add = (id: string, description: string, generic: boolean) => {
    if (indexOf.has(id)) return;
    indexOf.set(id, descriptors.length);
    descriptors.push(describeRule(id, description, generic));
  };
  for (const rule of rules) add(rule.id, rule.description, rule.generic === true);
  // Findings from a rule outside the given set (a custom rule, an older scan) still need a descriptor.
  for (const finding of findings) add(finding.rule, finding.description, false);

  const root = options.srcRoot
    ? { uri: `${pathToFileURL(options.srcRoot).href.replace(/\/?$/, '/')}` }
    : { description: { text: 'The root of the scanned repository or directory.' } };

  const log = {
    $schema: SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'inline',
            informationUri: options.informationUri ?? DEFAULT_INFORMATION_URI,
            version: toolVersion,
            rules: descriptors,
          },
        },
        originalUriBaseIds: { [SRCROOT]: root },
        columnKind: 'utf16CodeUnits',
        results: findings.map((finding) => result(finding, indexOf.get(finding.rule)!)),
      },
    ],
  };
  return JSON.stringify(log, null, 2);
}
