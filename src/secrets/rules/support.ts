/**
 * Shared pieces of the rule files: structural checks that a regex cannot express (checksums,
 * decodable headers) and a seeded generator for the rules' examples.
 *
 * Examples are generated when the module loads rather than written out: a credential-shaped
 * literal in this repository would be reported by our own scanner, by GitHub push protection and
 * by every other scanner that reads the tree, and none of those values would be any more real.
 */
import { crc32 } from 'node:zlib';
import type { SecretRule } from '../types.js';

export const DIGITS = '0123456789';
export const HEX = '0123456789abcdef';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
/** GitHub's and npm's checksum alphabet is this exact order (GMP base62). */
export const BASE62 = DIGITS + UPPER + LOWER;
export const LETTERS = UPPER + LOWER;
export const UPPER_ALNUM = UPPER + DIGITS;
export const LOWER_ALNUM = LOWER + DIGITS;
export const BASE64 = UPPER + LOWER + DIGITS + '+/';
export const BASE64URL = UPPER + LOWER + DIGITS + '-_';
/** RFC 4648 base32, the alphabet of AWS key ids after the prefix. */
export const BASE32 = UPPER + '234567';
/** Bech32, the data alphabet of age keys (upper-cased as age prints them). */
export const BECH32 = 'QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L';

export type Generate = (alphabet: string, length: number) => string;

function seedOf(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** Substrings that placeholder filters look for; a generated value must not trip them by chance. */
const PLACEHOLDER_LIKE = /xxx|todo|tbd|fixme|secret|token|passw|your|sample|dummy|insert|redact|example|change|fake/i;

/**
 * A deterministic random-string source (mulberry32) so test runs are reproducible. Each string has
 * at least ten distinct characters when it can, so no entropy floor rejects a positive by chance.
 */
export function generator(seed: string): Generate {
  let state = seedOf(seed);
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return (alphabet, length) => {
    for (;;) {
      let out = '';
      for (let i = 0; i < length; i++) out += alphabet[Math.floor(next() * alphabet.length)];
      if (new Set(out).size >= Math.min(10, alphabet.length, length - 2) && !PLACEHOLDER_LIKE.test(out)) return out;
    }
  };
}

/** Shannon entropy in bits per character (kept here so rules need not import the scanner). */
export function bitsPerChar(text: string): number {
  const counts = new Map<string, number>();
  for (const char of text) counts.set(char, (counts.get(char) ?? 0) + 1);
  let bits = 0;
  for (const count of counts.values()) bits -= (count / text.length) * Math.log2(count / text.length);
  return bits;
}

/** GitHub/npm token checksum: CRC-32 of the random part in base62, left-padded to six characters. */
export function base62Checksum(random: string): string {
  let n = crc32(random) >>> 0;
  let out = '';
  while (n > 0) {
    out = BASE62[n % 62] + out;
    n = Math.floor(n / 62);
  }
  return out.padStart(6, '0');
}

/** A `<prefix>_` + 30 random + 6 checksum token (GitHub `gh?_`, npm `npm_`) whose checksum holds. */
export function checksumValid(token: string): boolean {
  const body = token.slice(token.indexOf('_') + 1);
  if (body.length !== 36) return false;
  return base62Checksum(body.slice(0, 30)) === body.slice(30);
}

export function checksummedToken(prefix: string, gen: Generate): string {
  const random = gen(BASE62, 30);
  return `${prefix}${random}${base62Checksum(random)}`;
}

export function fakeUuid(gen: Generate): string {
  return `${gen(HEX, 8)}-${gen(HEX, 4)}-4${gen(HEX, 3)}-a${gen(HEX, 3)}-${gen(HEX, 12)}`;
}

export function toBase64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

export function toBase64Url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}

function decodeJsonObject(segment: string, encoding: 'base64' | 'base64url'): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, encoding).toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A signed JWT: the header is a JSON object naming a real algorithm. Unsigned (`alg: none`) tokens
 * grant nothing on a correct server, and Supabase's `anon` key is published by design.
 */
export function isSignedJwt(token: string): boolean {
  const [header, payload, signature] = token.split('.');
  if (!header || !payload || !signature) return false;
  const head = decodeJsonObject(header, 'base64url');
  if (!head || typeof head.alg !== 'string' || head.alg.toLowerCase() === 'none') return false;
  const body = decodeJsonObject(payload, 'base64url');
  if (!body) return false;
  return body.role !== 'anon';
}

export function fakeJwt(gen: Generate, claims: Record<string, unknown>, alg = 'HS256'): string {
  const header = toBase64Url(JSON.stringify({ alg, typ: 'JWT' }));
  const payload = toBase64Url(JSON.stringify(claims));
  return `${header}.${payload}.${gen(BASE64URL, alg.startsWith('HS') ? 43 : 86)}`;
}

/** Base64 (standard or url alphabet) that decodes to a JSON object, as embedded-JSON tokens do. */
export function decodesToJson(text: string): boolean {
  const trimmed = text.replace(/=+$/, '');
  return decodeJsonObject(trimmed, /[-_]/.test(trimmed) ? 'base64url' : 'base64') !== undefined;
}

/** Example credentials printed in the OAuth RFCs (5849, 6749, 7009) and copied into countless docs and tests. */
export const DOCUMENTED_VALUES = new Set([
  'dpf43f3p2l4k3l03', 'kd94hf93k423kf44', 'hh5s93j4hdidpola', 'hdhd0244k9j7ao03', 'nnch734d00sl2jdk', 'pfkkdhi9sl3r4s00',
  '0685bd9184jfhq22', 'ad180jjd733klru7', 's6BhdRkqt3', 'gX1fBat3bV', 'SplxlOBeZQQYbYS6WxSbIA', '2YotnFZFEjr1zCsicMWpAA',
  'tGzv3JOkF0XG5Qx2TlKWIA', '45ghiukldjahdnhzdauz', '8xLOxBtZp8', '7Fjfp0ZBr1KtDRbnfVdmIw',
]);

/** Passwords that only stand in for one: a finding on them would be noise. */
const PLACEHOLDER_PASSWORDS = new Set([
  'password', 'passwd', 'pass', 'pwd', 'secret', 'changeme', 'changeit', 'admin', 'root', 'test',
  'user', 'username', 'guest', 'default', 'example', 'sample', 'dummy', 'foo', 'bar', 'foobar',
  'letmein', 'qwerty', '123456', '12345678', 'mypassword', 'yourpassword', 'p@ssw0rd', 'passw0rd',
  'x', 'xxx', 'xxxx', 'none', 'null', 'empty', 'token', 'apikey', 'api_key',
]);

export function isPlaceholderPassword(password: string): boolean {
  const bare = password.replace(/^[<[{(%$*]+|[>\]})%*]+$/g, '').toLowerCase();
  return bare === '' || PLACEHOLDER_PASSWORDS.has(bare) || /^(.)\1*$/.test(bare) || /^\$\{?[\w.-]*\}?$/.test(password);
}

/** `Authorization: Basic` payload: base64 of `user:password` in printable ASCII, password real. */
export function isBasicCredential(encoded: string): boolean {
  if (encoded.length % 4 !== 0) return false;
  const text = Buffer.from(encoded, 'base64').toString('latin1');
  const match = /^([\x21-\x39\x3b-\x7e][\x20-\x39\x3b-\x7e]{0,127}):([\x20-\x7e]{3,128})$/.exec(text);
  if (match === null || DOCUMENTED_VALUES.has(match[1]!) || DOCUMENTED_VALUES.has(match[2]!)) return false;
  return !isPlaceholderPassword(match[2]!) && match[1] !== match[2];
}

/**
 * `<name>… = value` as env files, YAML, JSON, TOML and code write it. For vendors whose keys have
 * no prefix the name is the only thing that tells their value from any other random string.
 */
export function assigned(name: string, value: string, flags = 'gi'): RegExp {
  return new RegExp(
    `(?:${name})[\\w.-]{0,24}?["'\`]?[ \\t]{0,4}(?:=>|:=|[:=])(?!=)[ \\t]{0,4}["'\`]?(?<secret>${value})(?![\\w+/=-])`,
    flags,
  );
}

/** Microsoft's published Azurite storage-emulator key: in countless READMEs, and useless elsewhere. */
export const AZURITE_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

/**
 * A rule for a token that is a fixed prefix and a fixed-shape body, with examples built from
 * `sample` in two contexts; most vendors' keys are this simple.
 */
export function prefixed(
  id: string, description: string, prefix: string, body: string, sample: () => string,
  contexts: readonly [string, string], negatives: readonly string[] = [],
): SecretRule {
  return {
    id,
    description,
    keywords: [prefix.toLowerCase()],
    pattern: new RegExp(`(?<![\\w-])(?<secret>${prefix.replace(/[.$]/g, '\\$&')}${body})(?![\\w-])`, 'g'),
    entropy: 3.5,
    examples: {
      positive: [`${contexts[0]}${prefix}${sample()}`, `${contexts[1]}"${prefix}${sample()}"`],
      negative: [`${prefix}${'x'.repeat(12)}`, `${prefix}${sample().slice(0, 10)}`, ...negatives],
    },
  };
}
