/**
 * Secret scanning, inline against secretlint (recommended preset) in one run:
 *  1. accuracy on a seeded, generated set of documents: positives plant one secret of ~30 real
 *     formats in realistic code/config, negatives are gitleaks' documented false positives plus
 *     generated look-alikes (UUIDs, hashes, integrity strings, placeholders, public material).
 *     Scored per document: a positive is found when a finding overlaps the planted lines, a
 *     negative is a false positive when anything at all is reported.
 *  2. throughput over the text files under node_modules (< 1 MB each, up to ~200 MB), read into
 *     memory before timing; the tools take turns every ~2 MB, for a few rounds.
 * Knobs: BENCH_SECRETS_SEED, BENCH_SECRETS_PER_PROVIDER, BENCH_SECRETS_MB, BENCH_SECRETS_BUDGET_S
 * (per tool and round), BENCH_SECRETS_ROUNDS, BENCH_SECRETS_DUMP (a path: every document
 * with both tools' findings, for rule work).
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { extname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lintSource } from '@secretlint/core';
import { loadPackagesFromConfigDescriptor } from '@secretlint/config-loader';
import { secretLintProfiler } from '@secretlint/profiler';
import { RULES } from '../src/secrets/rules/index.js';
import { scanText } from '../src/secrets/scan.js';

const SEED = Number(process.env.BENCH_SECRETS_SEED ?? 20240601);
const PER_PROVIDER = Number(process.env.BENCH_SECRETS_PER_PROVIDER ?? 6);
const CAP_BYTES = Number(process.env.BENCH_SECRETS_MB ?? 200) * 1e6;
const BUDGET_MS = Number(process.env.BENCH_SECRETS_BUDGET_S ?? 60) * 1000;
const ROUNDS = Math.max(1, Number(process.env.BENCH_SECRETS_ROUNDS ?? 5));
const EVAL = process.env.INLINE_EVAL_DATA ?? fileURLToPath(new URL('../../shared/eval-data', import.meta.url));

// ---- seeded generation ------------------------------------------------------------------------

let state = SEED >>> 0;
/** mulberry32: tiny, fast and plenty for test data; the same seed gives the same corpus. */
function random(): number {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';
const ALNUM = DIGITS + UPPER + LOWER;
const B64 = ALNUM + '+/';
const URLSAFE = ALNUM + '-_';
const HEX = '0123456789abcdef';
const chars = (alphabet: string, n: number) => Array.from({ length: n }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
const b64 = (n: number) => chars(B64, n) + (n % 4 === 2 ? '==' : n % 4 === 3 ? '=' : '');
const b64url = (text: string) => Buffer.from(text).toString('base64url');
const uuid = () => `${chars(HEX, 8)}-${chars(HEX, 4)}-4${chars(HEX, 3)}-${pick(['8', '9', 'a', 'b'])}${chars(HEX, 3)}-${chars(HEX, 12)}`;

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(text: string): number {
  let crc = 0xffffffff;
  for (const byte of Buffer.from(text)) crc = CRC_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
/** GitHub's (and npm's) token layout: 30 random base62 characters, then their CRC32 in base62. */
function checksummed(prefix: string): string {
  const body = chars(ALNUM, 30);
  let n = crc32(body);
  let tail = '';
  do {
    tail = ALNUM[n % 62] + tail;
    n = Math.floor(n / 62);
  } while (n > 0);
  return `${prefix}${body}${tail.padStart(6, '0')}`;
}
function pem(label: string, lead: string, lines: number): string[] {
  const body = lead + chars(B64, 64 * lines - lead.length);
  const rows = body.match(/.{1,64}/g)!;
  rows.push(b64(int(10, 40)));
  return [`-----BEGIN ${label}-----`, ...rows, `-----END ${label}-----`];
}
const password = () =>
  pick([
    () => `${pick(['Summer', 'Winter', 'Falcon', 'Orbit', 'Maple'])}${int(10, 99)}${pick(['!', '#', '$', '%'])}${chars(ALNUM, 6)}`,
    () => chars(ALNUM + '!@#%^&*', int(14, 24)),
    () => `${chars(LOWER, 4)}-${chars(LOWER, 5)}-${chars(ALNUM, 6)}`,
  ])();

// ---- documents: languages and their clean surroundings ----------------------------------------

interface Names { CONST: string; camel: string; snake: string }
interface Lang { file: string; head: string[]; tail: string[]; line: (n: Names, v: string) => string }
const LANGS: Record<string, Lang> = {
  js: { file: 'src/server.js', head: ["import express from 'express';", "import { readFile } from 'node:fs/promises';", '', 'const app = express();'], tail: ['', 'app.listen(PORT, () => console.log(`listening on ${PORT}`));', 'export default app;'], line: (n, v) => `const ${n.camel} = '${v}';` },
  ts: { file: 'src/config.ts', head: ["import type { Config } from './types.js';", '', 'export const config: Config = {'], tail: ['  retries: 3,', '};'], line: (n, v) => `  ${n.camel}: "${v}",` },
  py: { file: 'app/settings.py', head: ['import os', 'import logging', '', 'logger = logging.getLogger(__name__)'], tail: ['', 'def get_client():', '    return Client(timeout=30)'], line: (n, v) => `${n.CONST} = "${v}"` },
  go: { file: 'cmd/api/main.go', head: ['package main', '', 'import "net/http"', '', 'func main() {'], tail: ['\thttp.ListenAndServe(":8080", nil)', '}'], line: (n, v) => `\t${n.camel} := "${v}"` },
  yaml: { file: 'docker-compose.yml', head: ["version: '3.9'", 'services:', '  api:', '    image: ghcr.io/acme/api:1.4.2', '    environment:'], tail: ['    ports:', '      - "8080:8080"'], line: (n, v) => `      ${n.CONST}: ${v}` },
  env: { file: '.env.production', head: ['NODE_ENV=production', 'PORT=8080', 'LOG_LEVEL=info'], tail: ['REDIS_HOST=redis', 'FEATURE_FLAGS=search,export'], line: (n, v) => `${n.CONST}=${v}` },
  json: { file: 'config/production.json', head: ['{', '  "name": "billing-service",', '  "region": "eu-west-1",'], tail: ['  "retries": 3', '}'], line: (n, v) => `  "${n.camel}": "${v}",` },
  tf: { file: 'infra/main.tf', head: ['resource "aws_lambda_function" "api" {', '  function_name = "api"', '  environment {', '    variables = {'], tail: ['    }', '  }', '}'], line: (n, v) => `      ${n.CONST} = "${v}"` },
  sh: { file: 'scripts/deploy.sh', head: ['#!/usr/bin/env bash', 'set -euo pipefail', 'cd "$(dirname "$0")/.."'], tail: ['npm ci', 'npm run deploy -- --stage prod'], line: (n, v) => `export ${n.CONST}="${v}"` },
  java: { file: 'src/main/java/com/acme/Config.java', head: ['package com.acme;', '', 'public final class Config {'], tail: ['    public static final int TIMEOUT_MS = 5000;', '}'], line: (n, v) => `    public static final String ${n.CONST} = "${v}";` },
  rb: { file: 'config/environments/production.rb', head: ['Rails.application.configure do', '  config.eager_load = true'], tail: ['  config.log_level = :info', 'end'], line: (n, v) => `  config.${n.snake} = '${v}'` },
  php: { file: 'config/services.php', head: ['<?php', '', 'return ['], tail: ["    'debug' => false,", '];'], line: (n, v) => `    '${n.snake}' => '${v}',` },
};
const LANG_KEYS = Object.keys(LANGS);

function names(words: readonly string[]): Names {
  return {
    CONST: words.join('_').toUpperCase(),
    camel: words.map((w, i) => (i === 0 ? w : w[0]!.toUpperCase() + w.slice(1))).join(''),
    snake: words.join('_'),
  };
}

interface Doc { id: string; kind: string; file: string; text: string; planted?: [number, number] }
/** lines[from..to] (0-based, inclusive) hold the secret; filler goes around them. */
interface Snippet { lang: string; lines: string[]; from: number; to: number; file?: string }

function assemble(id: string, kind: string, s: Snippet, planted: boolean): Doc {
  const lang = LANGS[s.lang]!;
  const head = lang.head.slice(0, int(1, lang.head.length));
  const tail = lang.tail.slice(0, int(1, lang.tail.length));
  const text = [...head, ...s.lines, ...tail].join('\n') + '\n';
  const at = head.length + 1;
  return { id, kind, file: s.file ?? lang.file, text, ...(planted ? { planted: [at + s.from, at + s.to] as [number, number] } : {}) };
}
const assignment = (words: readonly string[], value: string, lang = pick(LANG_KEYS)): Snippet => ({
  lang, lines: [LANGS[lang]!.line(names(words), value)], from: 0, to: 0,
});

// ---- positives --------------------------------------------------------------------------------

interface Provider { name: string; words: string[][]; value: () => string; snippet?: (value: string) => Snippet }
const P = (name: string, words: string[][], value: () => string, snippet?: (value: string) => Snippet): Provider => ({ name, words, value, snippet });
const privateKey = () => pick([
  () => pem('RSA PRIVATE KEY', 'MIIEpAIBAAKCAQEA', 25),
  () => pem('OPENSSH PRIVATE KEY', 'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW', 6),
  () => pem('EC PRIVATE KEY', 'MHcCAQEEI', 3),
  () => pem('PRIVATE KEY', 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC', 25),
])().join('\n');

const PROVIDERS: Provider[] = [
  P('aws-access-key-id', [['aws', 'access', 'key', 'id']], () => `AKIA${chars('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16)}`),
  P('aws-secret-key', [], () => chars(ALNUM + '+/', 40), (v) => pick([
    () => ({ lang: 'env', file: '.aws/credentials', lines: ['[default]', `aws_access_key_id = AKIA${chars(UPPER + '234567', 16)}`, `aws_secret_access_key = ${v}`], from: 2, to: 2 }),
    () => ({ lang: 'js', lines: ['const s3 = new S3Client({', `  credentials: { accessKeyId: 'AKIA${chars(UPPER + '234567', 16)}', secretAccessKey: '${v}' },`, '});'], from: 1, to: 1 }),
    () => assignment(['aws', 'secret', 'access', 'key'], v),
  ])()),
  P('github-pat', [['github', 'token'], ['gh', 'token']], () => checksummed('ghp_')),
  P('github-fine-grained', [['github', 'pat']], () => `github_pat_11${chars(UPPER + DIGITS, 20)}_${chars(ALNUM, 59)}`),
  P('slack-bot-token', [['slack', 'bot', 'token']], () => `xoxb-${chars(DIGITS, 11)}-${chars(DIGITS, 13)}-${chars(ALNUM, 24)}`),
  P('slack-webhook', [['slack', 'webhook', 'url']], () => `https://hooks.slack.com/services/T${chars(UPPER + DIGITS, 8)}/B${chars(UPPER + DIGITS, 10)}/${chars(ALNUM, 24)}`),
  P('stripe-secret', [['stripe', 'secret', 'key'], ['stripe', 'api', 'key']], () => `sk_live_${pick([24, 99]) === 24 ? chars(ALNUM, 24) : `51${chars(ALNUM, 97)}`}`),
  P('openai', [['openai', 'api', 'key']], () => `sk-proj-${chars(URLSAFE, 74)}T3BlbkFJ${chars(URLSAFE, 74)}`),
  P('anthropic', [['anthropic', 'api', 'key']], () => `sk-ant-api03-${chars(URLSAFE, 93)}AA`),
  P('npm', [['npm', 'token']], () => checksummed('npm_'), (v) => pick([
    () => ({ lang: 'env', file: '.npmrc', lines: ['registry=https://registry.npmjs.org/', `//registry.npmjs.org/:_authToken=${v}`], from: 1, to: 1 }),
    () => assignment(['npm', 'token'], v),
  ])()),
  P('gitlab-pat', [['gitlab', 'token']], () => `glpat-${chars(URLSAFE, 20)}`),
  P('private-key', [], privateKey, (v) => {
    const key = v.split('\n');
    return pick([
      () => ({ lang: 'env', file: 'deploy/id_rsa', lines: key, from: 0, to: key.length - 1 }),
      () => ({ lang: 'yaml', file: 'k8s/secret.yaml', lines: ['      SSH_KEY: |', ...key.map((l) => `        ${l}`)], from: 1, to: key.length }),
    ])();
  }),
  P('gcp-service-account', [], () => pem('PRIVATE KEY', 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC', 25).join('\\n') + '\\n', (v) => ({
    lang: 'json', file: 'gcp-sa.json',
    lines: ['  "type": "service_account",', '  "project_id": "acme-prod",', `  "private_key_id": "${chars(HEX, 40)}",`, `  "private_key": "${v}",`, '  "client_email": "deployer@acme-prod.iam.gserviceaccount.com",'],
    from: 3, to: 3,
  })),
  P('database-url', [['database', 'url'], ['db', 'url']], () => pick([
    () => `postgres://${pick(['app', 'admin', 'billing'])}:${chars(ALNUM, 16)}@db.${pick(['internal', 'prod'])}.acme.io:5432/${pick(['app', 'orders'])}`,
    () => `mysql://root:${password()}@10.0.${int(0, 9)}.${int(2, 250)}:3306/shop`,
    () => `mongodb+srv://svc:${chars(ALNUM, 20)}@cluster0.${chars(LOWER + DIGITS, 5)}.mongodb.net/prod?retryWrites=true`,
  ])()),
  P('sendgrid', [['sendgrid', 'api', 'key']], () => `SG.${chars(URLSAFE, 22)}.${chars(URLSAFE, 43)}`),
  P('twilio-api-key', [['twilio', 'api', 'key']], () => `SK${chars(HEX, 32)}`),
  P('google-api-key', [['google', 'maps', 'key'], ['firebase', 'api', 'key']], () => `AIza${chars(URLSAFE, 35)}`),
  P('jwt', [['auth', 'token'], ['session', 'jwt']], () =>
    `eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.${b64url(JSON.stringify({ sub: chars(DIGITS, 8), name: pick(['Ada', 'Lin', 'Sam']), iat: int(1.6e9, 1.75e9) }))}.${chars(URLSAFE, 43)}`),
  P('basic-auth', [], () => Buffer.from(`${pick(['admin', 'deploy', 'ci'])}:${password()}`).toString('base64'), (v) => pick([
    () => ({ lang: 'sh', lines: [`curl -fsS -H "Authorization: Basic ${v}" https://ci.acme.io/api/jobs`], from: 0, to: 0 }),
    () => ({ lang: 'js', lines: [`const res = await fetch(url, { headers: { Authorization: 'Basic ${v}' } });`], from: 0, to: 0 }),
    () => ({ lang: 'py', lines: [`HEADERS = {"Authorization": "Basic ${v}"}`], from: 0, to: 0 }),
  ])()),
  P('generic-password', [['db', 'password'], ['smtp', 'password'], ['admin', 'password']], password),
  P('generic-api-key', [['api', 'key'], ['client', 'secret'], ['api', 'secret']], () => chars(ALNUM, 32)),
  P('azure-storage', [['azure', 'storage', 'connection', 'string']], () =>
    `DefaultEndpointsProtocol=https;AccountName=acme${chars(LOWER, 6)};AccountKey=${chars(B64, 86)}==;EndpointSuffix=core.windows.net`),
  P('shopify', [['shopify', 'access', 'token']], () => `shpat_${chars(HEX, 32)}`),
  P('huggingface', [['hf', 'token']], () => `hf_${chars(UPPER + LOWER, 34)}`),
  P('digitalocean', [['do', 'token']], () => `dop_v1_${chars(HEX, 64)}`),
  P('telegram-bot', [['telegram', 'bot', 'token']], () => `${int(1e9, 7e9)}:AA${chars(URLSAFE, 33)}`),
  P('mailchimp', [['mailchimp', 'api', 'key']], () => `${chars(HEX, 32)}-us${int(1, 21)}`),
  P('pypi', [['pypi', 'token']], () => `pypi-AgEIcHlwaS5vcmc${chars(URLSAFE, 70)}`),
  P('vault', [['vault', 'token']], () => `hvs.CAESI${chars(URLSAFE, 91)}`),
  P('databricks', [['databricks', 'token']], () => `dapi${chars(HEX, 32)}`),
  P('linear', [['linear', 'api', 'key']], () => `lin_api_${chars(ALNUM, 40)}`),
  P('grafana', [['grafana', 'token']], () => `glsa_${chars(ALNUM, 32)}_${chars(HEX, 8)}`),
  P('age-secret-key', [['age', 'identity']], () => `AGE-SECRET-KEY-1${chars('QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L', 58)}`),
];

function positives(): Doc[] {
  const docs: Doc[] = [];
  for (const p of PROVIDERS) {
    for (let i = 0; i < PER_PROVIDER; i++) {
      const value = p.value();
      docs.push(assemble(`${p.name}-${i}`, p.name, p.snippet ? p.snippet(value) : assignment(pick(p.words), value), true));
    }
  }
  return docs;
}

// ---- negatives --------------------------------------------------------------------------------

const NEGATIVE_KINDS: Record<string, () => Snippet> = {
  uuid: () => assignment(pick([['client', 'id'], ['tenant', 'id'], ['request', 'id'], ['subscription', 'id']]), uuid()),
  'git-sha': () => pick([
    () => assignment(pick([['commit', 'sha'], ['git', 'revision'], ['build', 'commit']]), chars(HEX, 40)),
    () => ({ lang: 'json', file: 'package.json', lines: [`  "gitHead": "${chars(HEX, 40)}",`], from: 0, to: 0 }),
  ])(),
  sha256: () => pick([
    () => assignment(pick([['checksum'], ['artifact', 'sha256'], ['digest']]), chars(HEX, 64)),
    () => ({ lang: 'yaml', lines: [`    image: node@sha256:${chars(HEX, 64)}`], from: 0, to: 0 }),
  ])(),
  'npm-integrity': () => ({
    lang: 'json', file: 'package-lock.json', from: 0, to: 2,
    lines: [`  "node_modules/${pick(['debug', 'ms', 'semver'])}": {`, `    "resolved": "https://registry.npmjs.org/x/-/x-${int(1, 9)}.${int(0, 9)}.0.tgz",`, `    "integrity": "sha512-${b64(86)}",`],
  }),
  placeholder: () => ({ lang: 'env', lines: [pick([
    'API_KEY=your_api_key_here', 'DB_PASSWORD=<PASSWORD>', 'GITHUB_TOKEN=${GITHUB_TOKEN}', 'STRIPE_SECRET_KEY=sk_live_xxxxxxxxxxxxxxxxxxxxxxxx',
    'AWS_SECRET_ACCESS_KEY=<your-secret-access-key>', 'password = "********"', 'SLACK_TOKEN=xoxb-your-token-here', 'secret: changeme',
    'OPENAI_API_KEY=sk-...', 'password: ${{ secrets.DB_PASSWORD }}', 'api_key = "{{ api_key }}"', 'DB_PASSWORD=',
  ])], from: 0, to: 0 }),
  'env-read': () => ({ lang: pick(['py', 'js']), lines: [pick([
    'password = os.environ["DB_PASSWORD"]', 'const password = process.env.DB_PASSWORD;', 'token = request.headers.get("Authorization")',
    'if (password.length < 12) throw new Error("password too short");', 'const apiKey = await secrets.get("stripe/api-key");',
  ])], from: 0, to: 0 }),
  'public-key': () => pick([
    () => ({ lang: 'env', file: '.ssh/authorized_keys', lines: [`ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABgQ${chars(B64, 540)} ${pick(['ada', 'ci'])}@host`], from: 0, to: 0 }),
    () => ({ lang: 'env', file: 'keys/jwt.pub', lines: pem('PUBLIC KEY', 'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA', 5), from: 0, to: 7 }),
  ])(),
  certificate: () => ({ lang: 'env', file: 'certs/ca.crt', lines: pem('CERTIFICATE', 'MIIDdzCCAl+gAwIBAgIE', 18), from: 0, to: 20 }),
  'data-uri': () => ({ lang: 'env', file: 'styles/app.css', lines: [`.logo { background: url(data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAA${b64(300)}); }`], from: 0, to: 0 }),
  'go-sum': () => ({ lang: 'env', file: 'go.sum', lines: [`github.com/${pick(['spf13', 'gorilla'])}/${pick(['cobra', 'mux'])} v1.${int(1, 9)}.0 h1:${b64(43)}`], from: 0, to: 0 }),
  'aws-docs-example': () => assignment(pick([['aws', 'access', 'key', 'id'], ['aws', 'secret', 'access', 'key']]), pick(['AKIAIOSFODNN7EXAMPLE', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'])),
};

function negatives(): Doc[] {
  const docs: Doc[] = [];
  const seen = new Set<string>();
  const add = (doc: Doc) => {
    if (!seen.has(doc.text)) docs.push(doc);
    seen.add(doc.text);
  };
  for (const line of readFileSync(join(EVAL, 'secrets-hard-negatives.jsonl'), 'utf8').split('\n').filter(Boolean)) {
    const item = JSON.parse(line) as { id: string; filename: string; text: string };
    add({ id: item.id, kind: 'gitleaks-fp', file: item.filename, text: item.text });
  }
  const grouped = JSON.parse(readFileSync(join(EVAL, 'gitleaks-rule-fps.json'), 'utf8')) as { rule: string; filename: string; text: string }[];
  grouped.forEach((item, i) => add({ id: `fps-${i}`, kind: 'gitleaks-fp', file: item.filename, text: `${item.text}\n` }));
  for (const [kind, make] of Object.entries(NEGATIVE_KINDS)) {
    for (let i = 0; i < 12; i++) add(assemble(`${kind}-${i}`, kind, make(), false));
  }
  return docs;
}

// ---- the tools --------------------------------------------------------------------------------

interface Hit { line: number; endLine: number; rule: string }
// The secretlint CLI turns its profiler off unless --profile; left on, it records every rule call.
secretLintProfiler.setEnabled(false);
const { config } = await loadPackagesFromConfigDescriptor({ configDescriptor: { rules: [{ id: '@secretlint/secretlint-rule-preset-recommend' }] } });
const inline = (text: string, file: string): Hit[] => scanText(text, { path: file }).map((f) => ({ line: f.line, endLine: f.endLine, rule: f.rule }));
async function secretlint(text: string, file: string): Promise<Hit[]> {
  const result = await lintSource({
    source: { filePath: `/corpus/${file}`, content: text, ext: extname(file), contentType: 'text' },
    options: { config, maskSecrets: true },
  });
  return result.messages.map((m) => ({ line: m.loc.start.line, endLine: m.loc.end.line, rule: m.ruleId }));
}
const TOOLS = [
  { name: 'inline', run: async (text: string, file: string) => inline(text, file) },
  { name: 'secretlint', run: secretlint },
];

// ---- scoring and output -----------------------------------------------------------------------

function table(title: string, rows: Record<string, string | number>[]): void {
  const columns = Object.keys(rows[0] ?? {});
  const cell = (v: string | number | undefined) => String(v ?? '');
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(`\n${title}\n${line(columns)}\n${line(widths.map((w) => '-'.repeat(w)))}`);
  for (const row of rows) console.log(line(columns.map((c) => cell(row[c]))));
}
const pct = (n: number, d: number) => (d === 0 ? '-' : `${((100 * n) / d).toFixed(1)}%`);

const docs = [...positives(), ...negatives()];
const results = new Map<string, Map<string, Hit[]>>();
for (const tool of TOOLS) {
  const byDoc = new Map<string, Hit[]>();
  for (const doc of docs) byDoc.set(doc.id, await tool.run(doc.text, doc.file));
  results.set(tool.name, byDoc);
}
const found = (doc: Doc, hits: Hit[]) => hits.some((h) => h.line <= doc.planted![1] && h.endLine >= doc.planted![0]);
const pos = docs.filter((d) => d.planted);
const neg = docs.filter((d) => !d.planted);
console.log(`secrets bench: seed ${SEED}; ${pos.length} positive documents (${PROVIDERS.length} providers), ${neg.length} negative; inline ${RULES.length} rules, secretlint recommended preset`);

table('accuracy per document', TOOLS.map(({ name }) => {
  const hits = results.get(name)!;
  const tp = pos.filter((d) => found(d, hits.get(d.id)!)).length;
  const fp = neg.filter((d) => hits.get(d.id)!.length > 0).length;
  const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
  const recall = tp / pos.length;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { tool: name, TP: tp, FN: pos.length - tp, FP: fp, TN: neg.length - fp, precision: precision.toFixed(3), recall: recall.toFixed(3), F1: f1.toFixed(3) };
}));
const kinds = (set: Doc[]) => [...new Set(set.map((d) => d.kind))];
table('recall by provider', kinds(pos).map((kind) => {
  const of = pos.filter((d) => d.kind === kind);
  return { provider: kind, docs: of.length, ...Object.fromEntries(TOOLS.map(({ name }) => [name, `${of.filter((d) => found(d, results.get(name)!.get(d.id)!)).length}/${of.length}`])) };
}));
table('false positives by negative kind', kinds(neg).map((kind) => {
  const of = neg.filter((d) => d.kind === kind);
  return { kind, docs: of.length, ...Object.fromEntries(TOOLS.map(({ name }) => [name, of.filter((d) => results.get(name)!.get(d.id)!.length > 0).length])) };
}));
const inlineFps = neg.filter((d) => results.get('inline')!.get(d.id)!.length > 0).slice(0, 10);
if (inlineFps.length > 0) {
  console.log('\ninline false positives (first 10):');
  for (const d of inlineFps) console.log(`  ${d.id} ${d.file}: ${results.get('inline')!.get(d.id)!.map((h) => `${h.rule}@${h.line}`).join(', ')}`);
}
if (process.env.BENCH_SECRETS_DUMP) {
  const dump = docs.map((d) => ({ ...d, ...Object.fromEntries(TOOLS.map(({ name }) => [name, results.get(name)!.get(d.id)])) }));
  writeFileSync(process.env.BENCH_SECRETS_DUMP, JSON.stringify(dump, null, 1));
}

// ---- throughput -------------------------------------------------------------------------------

const BINARY = /\.(?:node|wasm|png|jpe?g|gif|ico|webp|woff2?|ttf|eot|otf|gz|tgz|zip|br|bin|gguf|so|dylib|dll|exe|pdf|mp[34]|a|o)$/i;
function corpus(root: string): { file: string; text: string; bytes: number }[] {
  const out: { file: string; text: string; bytes: number }[] = [];
  let total = 0;
  const walk = (dir: string): void => {
    const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (total >= CAP_BYTES) return;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() && !BINARY.test(entry.name)) {
        const buffer = readFileSync(path);
        if (buffer.length === 0 || buffer.length >= 1e6 || buffer.includes(0)) continue;
        out.push({ file: relative(process.cwd(), path), text: buffer.toString('utf8'), bytes: buffer.length });
        total += buffer.length;
      }
    }
  };
  walk(root);
  return out;
}

const loadStart = performance.now();
const files = corpus(join(process.cwd(), 'node_modules'));
const corpusBytes = files.reduce((sum, f) => sum + f.bytes, 0);
console.log(`\nthroughput corpus: ${files.length} text files, ${(corpusBytes / 1e6).toFixed(1)} MB under node_modules (read in ${((performance.now() - loadStart) / 1000).toFixed(1)} s); budget ${BUDGET_MS / 1000} s per tool and round`);
/**
 * One round: each tool passes over the corpus, taking turns every ~2 MB so that both meet the same
 * load from whatever else runs on the machine, until its time budget is spent.
 */
async function round() {
  const passes = new Map(TOOLS.map((tool) => [tool.name, { bytes: 0, ms: 0, scanned: 0, findings: 0, flagged: 0 }]));
  for (let from = 0, to = 0; from < files.length; from = to) {
    for (let size = 0; to < files.length && size < 2e6; to++) size += files[to]!.bytes;
    for (const tool of TOOLS) {
      const pass = passes.get(tool.name)!;
      const started = performance.now();
      for (const f of pass.ms > BUDGET_MS ? [] : files.slice(from, to)) {
        const hits = await tool.run(f.text, f.file);
        Object.assign(pass, { bytes: pass.bytes + f.bytes, scanned: pass.scanned + 1, findings: pass.findings + hits.length, flagged: pass.flagged + Math.min(1, hits.length) });
      }
      pass.ms += performance.now() - started;
    }
  }
  return passes;
}
// The first round also carries each tool's warm-up; the ratio is taken round by round.
const rounds: Awaited<ReturnType<typeof round>>[] = [];
for (let r = 0; r < ROUNDS; r++) rounds.push(await round());
const rate = (name: string, r: number) => rounds[r]!.get(name)!.bytes / 1e3 / rounds[r]!.get(name)!.ms;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)]!;
const byRound = (name: string) => rounds.map((_, r) => rate(name, r));
table(`throughput: ${ROUNDS} rounds, tools taking turns; files are read into memory first, so reading is excluded for both tools`, TOOLS.map(({ name }) => {
  const last = rounds.at(-1)!.get(name)!;
  return {
    tool: name, files: last.scanned, MB: (last.bytes / 1e6).toFixed(1), 'MB/s by round': byRound(name).map((v) => v.toFixed(1)).join(' '),
    'median MB/s': median(byRound(name)).toFixed(1), findings: last.findings, 'files flagged': last.flagged,
    complete: last.scanned === files.length ? 'yes' : `no (${pct(last.bytes, corpusBytes)})`,
  };
}));
const ratios = rounds.map((_, r) => rate('inline', r) / rate('secretlint', r));
console.log(`\ninline / secretlint throughput: ${median(ratios).toFixed(2)}x, the median of the rounds' ratios (${ratios.map((v) => v.toFixed(2)).join(', ')})`);
