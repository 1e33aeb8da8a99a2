import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RULE_COUNT, RULE_GROUPS, RULES } from '../../src/secrets/rules/index.js';
import {
  BASE62, BASE64, BASE64URL, HEX, base62Checksum, checksumValid, fakeUuid, generator, isBasicCredential, isSignedJwt, toBase64,
} from '../../src/secrets/rules/support.js';
import { scanLocated, scanText } from '../../src/secrets/scan.js';
import type { SecretRule } from '../../src/secrets/types.js';

import { EVAL_DATA } from '../support/eval-data.js';

interface HardNegative {
  id: string;
  filename: string;
  text: string;
}
interface RuleFalsePositive {
  rule: string;
  filename: string;
  text: string;
}

const hardNegatives: HardNegative[] = readFileSync(`${EVAL_DATA}/secrets-hard-negatives.jsonl`, 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as HardNegative);
const gitleaksFalsePositives = JSON.parse(readFileSync(`${EVAL_DATA}/gitleaks-rule-fps.json`, 'utf8')) as RuleFalsePositive[];

/** Rules allowed to run on every text because their format has no fixed string to look for. */
const KEYWORDLESS = new Set(['discord-bot-token']);

const genericIds = new Set(RULES.filter((rule) => rule.generic).map((rule) => rule.id));
const byId = (id: string): SecretRule => RULES.find((rule) => rule.id === id)!;
const describeFindings = (text: string) => scanText(text).map((f) => `${f.rule}@${f.line}:${f.column} ${f.match}`);

describe('the rule set', () => {
  it('has at least 85 rules and RULE_COUNT says how many', () => {
    expect(RULE_COUNT).toBe(RULES.length);
    expect(RULE_COUNT).toBeGreaterThanOrEqual(85);
    expect(Object.values(RULE_GROUPS).flat()).toHaveLength(RULE_COUNT);
  });

  it('has unique kebab-case ids', () => {
    const ids = RULES.map((rule) => rule.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);
  });

  it('gives every rule a global pattern, lower-case keywords and two examples of each kind', () => {
    for (const rule of RULES) {
      expect(rule.pattern.global, rule.id).toBe(true);
      expect(rule.description.length, rule.id).toBeGreaterThan(0);
      if (!KEYWORDLESS.has(rule.id)) expect(rule.keywords.length, rule.id).toBeGreaterThan(0);
      for (const keyword of rule.keywords) expect(keyword, rule.id).toBe(keyword.toLowerCase());
      expect(rule.examples.positive.length, rule.id).toBeGreaterThanOrEqual(2);
      expect(rule.examples.negative.length, rule.id).toBeGreaterThanOrEqual(2);
    }
  });

  it('has a keyword in every positive, so the prefilter never hides a real match', () => {
    for (const rule of RULES) {
      if (rule.keywords.length === 0) continue;
      for (const example of rule.examples.positive) {
        expect(rule.keywords.some((k) => example.toLowerCase().includes(k)), `${rule.id}: ${example.slice(0, 60)}`).toBe(true);
      }
    }
  });

  it('orders specific rules before generic ones', () => {
    const firstGeneric = RULES.findIndex((rule) => rule.generic);
    expect(firstGeneric).toBeGreaterThan(0);
    expect(RULES.slice(firstGeneric).every((rule) => rule.generic)).toBe(true);
  });
});

describe.each(RULES.map((rule) => [rule.id, rule] as const))('%s', (id, rule) => {
  it.each(rule.examples.positive.map((text, i) => [i, text] as const))('finds positive %i', (_i, text) => {
    const alone = scanText(text, { rules: [rule] });
    expect(alone.map((f) => f.rule)).toEqual([id]);

    const all = scanLocated(text);
    const own = all.filter((f) => f.rule === id);
    expect(own.length, describeFindings(text).join('\n')).toBeGreaterThanOrEqual(1);
    const overlappingGeneric = all.filter(
      (f) => f.rule !== id && genericIds.has(f.rule) && own.some((o) => f.start < o.end && o.start < f.end),
    );
    expect(overlappingGeneric).toEqual([]);
  });

  it.each(rule.examples.negative.map((text, i) => [i, text] as const))('ignores negative %i', (_i, text) => {
    expect(scanText(text, { rules: [rule] })).toEqual([]);
    expect(describeFindings(text)).toEqual([]);
  });
});

describe('clean look-alikes', () => {
  it('has the 58 hard negatives to check', () => {
    expect(hardNegatives).toHaveLength(58);
  });

  it.each(hardNegatives.map((item) => [item.id, item] as const))('%s gives no finding', (_id, item) => {
    expect(scanText(item.text, { path: item.filename }).map((f) => `${f.rule}: ${f.match}`)).toEqual([]);
  });

  it.each(gitleaksFalsePositives.map((item, i) => [`${i} ${item.rule}`, item] as const))('gitleaks false positive %s gives no finding', (_id, item) => {
    expect(scanText(item.text, { path: item.filename }).map((f) => `${f.rule}: ${f.match}`)).toEqual([]);
  });
});


const g = generator('clean-corpus');
const uuid = () => fakeUuid(g);
const lines = (text: string, width = 64) => (text.match(new RegExp(`.{1,${width}}`, 'g')) ?? []).join('\n');

/** Everyday files full of long random-looking strings that are not secrets. */
const CLEAN_CORPUS: ReadonlyArray<readonly [string, string, string]> = [
  ['package-lock.json', 'lockfile integrity', `"node_modules/lodash": {\n  "version": "4.17.21",\n  "resolved": "https://registry.npmjs.org/lodash/-/lodash-4.17.21.tgz",\n  "integrity": "sha512-${g(BASE64, 86)}==",\n  "license": "MIT"\n}`],
  ['yarn.lock', 'yarn v1 entry', `lodash@^4.17.21:\n  version "4.17.21"\n  resolved "https://registry.yarnpkg.com/lodash/-/lodash-4.17.21.tgz#${g(HEX, 40)}"\n  integrity sha512-${g(BASE64, 86)}==`],
  ['pnpm-lock.yaml', 'pnpm resolution', `  /react@18.2.0:\n    resolution: {integrity: sha512-${g(BASE64, 86)}==}\n    engines: {node: '>=0.10.0'}`],
  ['go.sum', 'module hashes', `github.com/acme/lib v1.2.3 h1:${g(BASE64, 43)}=\ngithub.com/acme/lib v1.2.3/go.mod h1:${g(BASE64, 43)}=`],
  ['Cargo.lock', 'crate checksums', `[[package]]\nname = "serde"\nversion = "1.0.200"\nsource = "registry+https://github.com/rust-lang/crates.io-index"\nchecksum = "${g(HEX, 64)}"`],
  ['poetry.lock', 'wheel hashes', `files = [\n    {file = "requests-2.31.0-py3-none-any.whl", hash = "sha256:${g(HEX, 64)}"},\n]`],
  ['SHA256SUMS', 'release checksums', `${g(HEX, 64)}  app-linux-amd64.tar.gz\n${g(HEX, 64)}  app-darwin-arm64.tar.gz`],
  ['git.log', 'git log', `commit ${g(HEX, 40)}\nMerge: ${g(HEX, 7)} ${g(HEX, 7)}\nAuthor: Ada <ada@example.com>\n\n    Revert "add token refresh" (${g(HEX, 40)})`],
  ['Dockerfile', 'image digests', `FROM node:20-alpine@sha256:${g(HEX, 64)}\nRUN --mount=type=secret,id=npm_token cat /run/secrets/npm_token`],
  ['known_hosts', 'public host keys', `github.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${g(BASE64, 43)}\ngitlab.com ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBB${g(BASE64, 86)}=`],
  ['id_ed25519.pub', 'public key', `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${g(BASE64, 43)} ada@laptop`],
  ['server.crt', 'certificate chain', `-----BEGIN CERTIFICATE-----\n${lines(`MIIFazCCA1OgAwIBAgIR${g(BASE64, 1800)}`)}\n-----END CERTIFICATE-----\n-----BEGIN CERTIFICATE-----\n${lines(`MIIDdzCCAl+gAwIBAgIE${g(BASE64, 1100)}`)}\n-----END CERTIFICATE-----`],
  ['app.min.js', 'minified bundle', `!function(e,t){"use strict";var n={token:t.token,secret:e.secret,password:r.password};e.headers.Authorization="Bearer "+t,fetch(a,{headers:e.headers})}(window,{});\n/*# sourceMappingURL=data:application/json;charset=utf-8;base64,${toBase64(JSON.stringify({ version: 3, sources: ['a.ts'], mappings: g(BASE64, 600) }))} */`],
  ['styles.css', 'inline font and image', `@font-face{font-family:x;src:url(data:font/woff2;base64,d09GMgABAAAAA${g(BASE64, 1500)})}.logo{background:url(data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAA${g(BASE64, 800)}=)}`],
  ['wasm.ts', 'embedded binary', `export const WASM = "AGFzbQEAAAAB${g(BASE64, 3000)}";`],
  ['.env.example', 'placeholders', 'DATABASE_URL=postgres://user:password@localhost:5432/app\nAPI_KEY=\nSECRET_KEY=your-secret-key-here\nSTRIPE_SECRET_KEY=sk_test_...\nGITHUB_TOKEN=ghp_...\nOPENAI_API_KEY=sk-...\nJWT_SECRET=change-me\n'],
  ['ci.yml', 'workflow secrets', 'env:\n  GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}\n  NPM_TOKEN: ${{ secrets.NPM_TOKEN }}\n  password: ${{ secrets.REGISTRY_PASSWORD }}\n'],
  ['main.tf', 'terraform references', 'variable "db_password" {\n  type      = string\n  sensitive = true\n}\nresource "aws_db_instance" "db" {\n  password = var.db_password\n  api_key  = data.vault_generic_secret.app.data["api_key"]\n}'],
  ['train.py', 'tokenizer code', 'tokenizer = AutoTokenizer.from_pretrained("gpt2")\ntokens = tokenizer(text)["input_ids"]\nout = model.generate(max_new_tokens=512, pad_token_id=tokenizer.eos_token_id)\nsecret = os.environ.get("SECRET")\npassword = getpass.getpass()\nhashed = bcrypt.hashpw(password, bcrypt.gensalt())'],
  ['index.html', 'csrf and SRI', `<meta name="csrf-token" content="${g(BASE64, 86)}==">\n<script src="https://cdn.example.com/lib.js" integrity="sha384-${g(BASE64, 64)}" crossorigin="anonymous"></script>\n<input type="password" name="password" autocomplete="current-password">`],
  ['deployment.yaml', 'secret references', 'env:\n  - name: DB_PASSWORD\n    valueFrom:\n      secretKeyRef:\n        name: db\n        key: password\n'],
  ['fr.json', 'translations', '{"password": "Mot de passe", "token_expired": "Session expirée", "api_key_label": "Clé API"}'],
  ['auth.test.ts', 'test code', 'const token = jwt.sign(payload, process.env.JWT_SECRET);\nexpect(token).toBe(mockToken);\nconst password = faker.internet.password();'],
  ['Config.java', 'constants', 'private static final String PASSWORD_KEY = "password";\nString secret = config.getSecret();\nthis.apiKey = builder.apiKey;'],
  ['azure.json', 'ids', `{"clientId": "${uuid()}", "tenantId": "${uuid()}", "subscriptionId": "${uuid()}", "kms_key_id": "${uuid()}"}`],
  ['secrets.enc.yaml', 'sops file', `password: ENC[AES256_GCM,data:${g(BASE64, 24)},iv:${g(BASE64, 43)}=,tag:${g(BASE64, 22)}==,type:str]\nsops:\n    mac: ENC[AES256_GCM,data:${g(BASE64, 88)},type:str]\n    age:\n        - recipient: age1${g('qpzry9x8gf2tvdw0s3jn54khce6mua7l', 58)}\n          enc: |\n            -----BEGIN AGE ENCRYPTED FILE-----\n            ${g(BASE64, 64)}\n            -----END AGE ENCRYPTED FILE-----`],
  ['vault.yml', 'ansible vault', `$ANSIBLE_VAULT;1.1;AES256\n${lines(g(HEX, 640), 80)}`],
  ['sealed.yaml', 'sealed secret', `apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nspec:\n  encryptedData:\n    password: AgB${g(BASE64, 600)}==`],
  ['jwt.md', 'jwt.io sample', 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c'],
  ['credentials', 'AWS documentation keys', '[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n'],
  ['stripe.md', 'Stripe documentation key', 'curl https://api.stripe.com/v1/charges -u sk_test_4eC39HqLyjWDarjtT1zdp7dc: -d amount=2000'],
  ['.npmrc', 'env reference', '//registry.npmjs.org/:_authToken=${NPM_TOKEN}\nalways-auth=true'],
  ['main.go', 'go code', 'token := os.Getenv("TOKEN")\ncfg := Config{Password: cfg.Password, APIKey: flags.APIKey}\nreq.Header.Set("Authorization", "Bearer "+token)'],
  ['pubkey.asc', 'PGP public key', `-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n${lines(`mQINBF${g(BASE64, 1400)}`)}\n=${g(BASE64, 4)}\n-----END PGP PUBLIC KEY BLOCK-----`],
  ['ids.txt', 'UUIDs and hex ids', `request_id=${uuid()} trace=${g(HEX, 32)} span=${g(HEX, 16)} session=${g(BASE64URL, 22)}`],
  ['README.md', 'prose about keys', 'Set `OPENAI_API_KEY` to your key (it starts with `sk-`). Tokens look like `ghp_` followed by 36 characters; never commit them.'],
  ['hash.txt', 'password hash', `admin:$2y$10$${g(BASE62, 53)}\nuser:$argon2id$v=19$m=65536,t=3,p=4$${g(BASE64, 22)}$${g(BASE64, 43)}`],
];

describe('realistic clean files', () => {
  it.each(CLEAN_CORPUS.map(([file, what, text]) => [`${file} (${what})`, file, text] as const))('%s gives no finding', (_name, file, text) => {
    expect(scanText(text, { path: file }).map((f) => `${f.rule}: ${f.match}`)).toEqual([]);
  });
});

describe('structural checks', () => {
  it('computes the GitHub token checksum the way the documented example token has it', () => {
    // The example token in the base62-token.js README (a generated sample, not a credential).
    const random = 'zQWBuTSOoRi4A9spHcVY5ncnsDkxkJ';
    expect(base62Checksum(random)).toBe('0mLq17');
    expect(checksumValid(['ghp', `${random}0mLq17`].join('_'))).toBe(true);
    expect(checksumValid(['ghp', `${random}0mLq18`].join('_'))).toBe(false);
  });

  it('reads Basic credentials only when they decode to user:password', () => {
    expect(isBasicCredential(toBase64('deploy:Zq8-rT2v!pL'))).toBe(true);
    expect(isBasicCredential(toBase64('deploy:password'))).toBe(false);
    expect(isBasicCredential(toBase64('no colon at all'))).toBe(false);
    expect(isBasicCredential('not base64!')).toBe(false);
  });

  it('accepts a JWT only with a real algorithm in a JSON header', () => {
    const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const signature = 'c2lnbmF0dXJlLWJ5dGVzLWdvLWhlcmUtMDEyMzQ1Njc4OQ';
    expect(isSignedJwt(`${part({ alg: 'HS256' })}.${part({ sub: 'a' })}.${signature}`)).toBe(true);
    expect(isSignedJwt(`${part({ alg: 'none' })}.${part({ sub: 'a' })}.${signature}`)).toBe(false);
    expect(isSignedJwt(`${part({ typ: 'JWT' })}.${part({ sub: 'a' })}.${signature}`)).toBe(false);
    expect(isSignedJwt(`eyJub3QganNvbg.${part({ sub: 'a' })}.${signature}`)).toBe(false);
  });
});

/**
 * Input built to make a backtracking regex explode: every group's prefixes followed by long runs
 * of its alphabet with no valid ending, plus the shapes multi-line rules walk (key blocks, YAML).
 * No timing here (benches time); a catastrophic pattern shows up as this test never finishing.
 */
function adversarial(rules: readonly SecretRule[]): string {
  const starts = rules.flatMap((rule) => rule.examples.positive.map((text) => text.slice(0, Math.max(6, Math.floor(text.length * 0.6)))));
  const runs = ['A1b2C3d4'.repeat(40), 'a'.repeat(300), '0'.repeat(300), '-_'.repeat(150), '\n  a: QUJD\n'.repeat(30), ' '.repeat(200)];
  const specials = [
    '-----BEGIN PRIVATE KEY-----\n' + 'QUJD'.repeat(500),
    '-----BEGIN PGP PRIVATE KEY BLOCK-----\n' + 'Comment: a - b\n'.repeat(50),
    'kind: Secret\ndata:\n' + '  k: QUJDRA==\n'.repeat(150),
    'PuTTY-User-Key-File-3: ssh-rsa\nEncryption: none\n' + 'x: y\n'.repeat(80),
    'password = "' + 'aB3$'.repeat(80),
    'curl ' + '-u a'.repeat(100),
    'eyJ' + 'a'.repeat(500) + '.eyJ' + 'b'.repeat(500) + '.',
    'postgres://' + 'u:'.repeat(200) + 'p@',
  ];
  const pieces = [...starts, ...specials];
  let out = '';
  for (let i = 0; out.length < 1 << 20; i++) out += pieces[i % pieces.length]! + runs[i % runs.length]! + (i % 7 === 0 ? '\n' : ' ');
  return out;
}

describe('adversarial input', () => {
  it.each(Object.entries(RULE_GROUPS))('scans 1 MB built against the %s rules to the end', (_group, rules) => {
    const text = adversarial(rules);
    expect(text.length).toBeGreaterThanOrEqual(1 << 20);
    expect(Array.isArray(scanText(text, { rules }))).toBe(true);
  });
});

describe('rule lookup', () => {
  it('knows the rules other parts of the scanner report on', () => {
    for (const id of ['aws-access-key-id', 'github-pat', 'private-key', 'generic-password', 'generic-secret']) expect(byId(id)).toBeDefined();
  });
});
