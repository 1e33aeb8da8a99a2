/**
 * Generic rules: a value assigned to something named like a password, secret, token or key.
 * They see no vendor format, so almost all of their precision comes from `plausibleSecret`
 * turning away what only looks like a value: code, references, hashes, ids, paths and words.
 */
import type { SecretRule } from '../types.js';
import {
  AZURITE_KEY, BASE62, BASE64, DOCUMENTED_VALUES, HEX, bitsPerChar, fakeUuid, generator, isPlaceholderPassword,
} from './support.js';

const g = generator('generic');

/** Values that are something other than a secret, whatever the name they are assigned to. */
const NOT_SECRETS: readonly RegExp[] = [
  // References to a secret kept elsewhere: variables, templates, Spring/Maven/Windows placeholders.
  /^\$(?:[A-Za-z_]\w*|\{|\(|\d)/, /^\{/, /^%\w+%$/, /^@\w+@$/, /^#\{/, /^!(?:Ref|Sub|GetAtt|ImportValue|vault)\b/,
  // Code: member access (identifiers are `isIdentifier`'s).
  /^!?[A-Za-z_$][\w$]*(?:(?:\?\.|\.|::|->)[A-Za-z_$][\w$]*)+[?!]?$/,
  // Digests and ids: git SHAs and SHA-256/512 hex, UUIDs, all-digit ids.
  /^(?:[a-f0-9]{40}|[A-F0-9]{40}|[a-f0-9]{64}|[A-F0-9]{64}|[a-f0-9]{128})$/,
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
  /^\d+(?:\.\d+)*$/,
  // Password hashes and integrity strings: bcrypt/argon2/crypt, `sha512-…`, `sha256:…`.
  /^\$(?:2[abxy]?|argon2\w*|scrypt|pbkdf2[\w-]*|[1-9]|apr1|sha\d*)\$/i,
  /^(?:sha\d{1,3}|md5|blake2\w*|pbkdf2[\w-]*|bcrypt|scrypt|argon2\w*)[:$-]/i,
  // Encrypted at rest: SOPS, Vault transit, Jasypt, Spring Cloud Config, sealed-secrets, KMS,
  // `openssl enc` output (base64 of "Salted__").
  /^(?:ENC\[|ENC\(|enc:|vault:v\d+:|\{cipher\}|AgA|AgB|AgC|AQICAH|U2FsdGVkX1)/,
  // URLs without credentials, filesystem paths, key and certificate files, e-mail addresses.
  /^[a-z][a-z0-9+.-]{1,20}:\/\//i, /^(?:\/\/|\.{1,2}\/|~\/|\/[\w.-]+\/|[A-Za-z]:\\)/,
  /\.(?:pem|key|crt|cer|p12|pfx|jks|keystore|json|ya?ml|txt|env|conf|cfg|ini|properties|xml|pub|der|gpg|asc|sh|js|ts|py)$/i,
  /^[\w.+-]+@[\w-]+(?:\.[\w-]+)+$/,
  // Public by design: Stripe publishable keys and its short documentation test keys.
  /^pk_(?:live|test)_/, /^[sr]k_test_[A-Za-z0-9]{1,60}$/,
  // Words that stand in for a value: placeholders in every shape and language.
  /secret|passw(?:or)?d|token|your|x{4,}|\*\*\*|\.\.\.|example|changeme|change_me|placeholder|dummy|sample|redacted|insert|replace[_-]?me|todo|fixme|tbd|<|>/i,
];

/**
 * Identifiers in any case convention (`password_field`, `NEXUS-GPT4-API-KEY`, `hasCallWithArgs`).
 * Random letters are told apart by their words: split at case changes, an identifier reads as
 * words of three or more letters, a generated string as fragments of one or two.
 */
function isIdentifier(value: string): boolean {
  if (!/^[?!:@#&*^~]?_*[A-Za-z]+\d{0,3}(?:[._-]+[A-Za-z]+\d{0,3})*_*$/.test(value)) return false;
  const words = value.match(/[A-Z]?[a-z]+|[A-Z]+(?![a-z])/g) ?? [];
  return words.join('').length / Math.max(1, words.length) >= 3;
}

function plausibleSecret(value: string, minBits: number): boolean {
  if (value === AZURITE_KEY || DOCUMENTED_VALUES.has(value)) return false;
  if (isIdentifier(value) || NOT_SECRETS.some((pattern) => pattern.test(value))) return false;
  return bitsPerChar(value) >= minBits;
}

/** Human passwords are short; the floor rises with length up to that of a random token. */
function plausiblePassword(value: string): boolean {
  if (isPlaceholderPassword(value) || /pass(?:wor)?d|secret|geheim|admin|qwerty|letmein|12345/i.test(value)) return false;
  const classes = [/[a-z]/, /[A-Z]/, /\d/, /[^A-Za-z0-9]/].filter((c) => c.test(value)).length;
  return classes >= 2 && plausibleSecret(value, Math.min(3, Math.log2(value.length) - 0.7));
}

/**
 * Something is assigned: env files, YAML, JSON, TOML, INI, code, PHP arrays and CLI flags. A bare
 * `name:value` with nothing after the colon is a path, a fingerprint or a label, not YAML.
 */
const ASSIGN = String.raw`["']?\]?[ \t]{0,4}(?:=>|:=|\?=|=(?!=)|:(?=[ \t"'\`]))[ \t]{0,4}`;
/**
 * The value, quoted or not; the closing side is a quote or a delimiter, never more value. A
 * backslash ends it too: inside a string literal `\n` is the end of the line, not the password.
 */
const VALUE = String.raw`["'\`]?(?<secret>[^\s"'\`,;(){}\[\]<>\\&]{8,200})(?=["'\`\\&]|[\s,;)}\]]|$)`;

/** `pass` and `pwd` only as whole words or camel-case parts: not inside `bypass` or `COMPASS`. */
const PASSWORD_SUFFIX = String.raw`(?:[_.-](?:prod|PROD|dev|DEV|live|LIVE))?`;
const PASSWORD_NAME = String.raw`(?:password|passwd|Password|PASSWORD|Passwd|PASSWD|(?<![A-Za-z])(?:pass|pwd)|(?<![A-Z])(?:Pass|PASS|Pwd|PWD))${PASSWORD_SUFFIX}`;
/** Tokens that are not credentials: CSRF and form tokens, pagination cursors, tokenizer specials. */
const NOT_CREDENTIAL_TOKEN = String.raw`(?<!(?:csrf|xsrf|authenticity|form|verification|next|page|continuation|sync|cancel|cancellation|bos|eos|pad|unk|sep|mask|cls|public|publishable|session[_.-]?id)[_.-]?)`;
const SECRET_SUFFIX = String.raw`(?:[_.-](?:value|prod|dev|live|staging|v?\d))?`;
const SECRET_NAME = String.raw`(?:secret|${NOT_CREDENTIAL_TOKEN}token|(?:api|access|client|app|consumer|signing|encryption|master|private|secret)[_.-]?key|apikey)${SECRET_SUFFIX}`;

export const GENERIC_RULES: readonly SecretRule[] = [
  {
    id: 'generic-password',
    description: 'Password assignment',
    keywords: ['pass', 'pwd'],
    pattern: new RegExp(`${PASSWORD_NAME}${ASSIGN}${VALUE}`, 'g'),
    // Every name opens with pass or pwd; what follows the keyword is the rest of the match.
    anchor: { before: 0, after: new RegExp(`(?:word|wd)?${PASSWORD_SUFFIX}${ASSIGN}${VALUE}`, 'i') },
    // The only \s are in a negated class and a zero-width lookahead: a match never spans lines.
    lineLocal: true,
    generic: true,
    validate: plausiblePassword,
    examples: {
      positive: [`DB_PASSWORD="${g(BASE62, 14)}!"`, `spring.datasource.password=${g(BASE62, 12)}`, `  password: ${g(BASE62, 10)}#1`, `--password=${g(BASE62, 16)}`],
      negative: [
        'password = os.getenv("DB_PASSWORD")',
        'password: ${DB_PASSWORD}',
        'PASSWORD=changeme',
        '"password": "********"',
        'passwordVariable: \'PASSWORD\')]) {',
        'password_field = "password_input"',
        'bypass = "enabled_for_tests"',
        `COMPASS=${g(BASE62, 12)}`,
        'password: !vault |\n  $ANSIBLE_VAULT;1.1;AES256',
        `password_hash = "$2b$12$${g(BASE62, 53)}"`,
        'password: "Mot de passe oublié ?"',
        'if password == "hunter2x!":',
      ],
    },
  },
  {
    id: 'generic-secret',
    description: 'Secret, token or API key assignment',
    keywords: ['key', 'token', 'secret'],
    pattern: new RegExp(`${SECRET_NAME}${ASSIGN}${VALUE}`, 'gi'),
    // The name ends in one of the keywords, at most 11 characters ("encryption_") into it.
    anchor: { before: 11, after: new RegExp(`${SECRET_SUFFIX}${ASSIGN}${VALUE}`, 'i') },
    // The only \s are in a negated class and a zero-width lookahead: a match never spans lines.
    lineLocal: true,
    generic: true,
    validate: (value) => plausibleSecret(value, 3.5),
    examples: {
      positive: [
        `SECRET_KEY = "${g(BASE62, 20)}-${g(BASE62, 20)}"`,
        `client_secret: ${g(BASE64, 32)}`,
        `"apiKey": "${g(BASE62, 32)}",`,
        `export SERVICE_TOKEN=${g(HEX, 32)}`,
        `'api_key' => '${g(BASE62, 24)}',`,
      ],
      negative: [
        "report_access_id: e8e4df51-2054-49b0-ab1c-516ac95c691d",
        'this.ultraPictureBox1.Name = "ultraPictureBox1";',
        'COMMUNICATION_API_VERSION=rc0.13.0_20230412_0712-SNAPSHOT',
        'LLM_SECRET_NAME = "NEXUS-GPT4-API-KEY"',
        `api_key = "${fakeUuid(g)}"`,
        `token = "${g(HEX, 40)}"  # the commit the cache was built from`,
        `secret_sha256 = "${g(HEX, 64)}"`,
        'csrf-token=Mj2qykJO5rELyHgezQ69nzUX0i3OH67V7+V4eUrLfpuyOuxmiW9rhROG/Whikle15syazJOkrjJa3U2AbhIvUw==',
        'access_token_url=\'https://github.com/login/oauth/access_token\',',
        'private_key = "keys/deploy_rsa.pem"',
        'API_TOKEN = settings.API_TOKEN',
        'secret: ENC[AES256_GCM,data:Tr7o1/Vm,iv:8c3s=,tag:Q9w=,type:str]',
        `token: vault:v1:${g(BASE64, 60)}`,
        `secret_key_base: AgB${g(BASE64, 400)}`,
        `client_secret: U2FsdGVkX1${g(BASE64, 42)}=`,
        'max_tokens = 4096',
        'pad_token = tokenizer.eos_token',
        'STRIPE_KEY = "pk_live_' + g(BASE62, 24) + '"',
        '"integrity": "sha512-' + g(BASE64, 86) + '=="',
      ],
    },
  },
  {
    id: 'generic-xml-secret',
    description: 'Password, secret or token in an XML element',
    keywords: ['password>', 'secret>', 'token>', 'apikey>'],
    lineLocal: true,
    // The keyword is the end of the opening tag: after "<" and at most 30 characters of prefix.
    anchor: { before: 31 },
    pattern: /<(?<tag>[\w:.-]{0,30}(?:[Pp]assword|PASSWORD|[Ss]ecret|SECRET|[Tt]oken|TOKEN|[Aa]pi[Kk]ey|APIKEY))>(?<secret>[^<>\s]{8,200})<\/\k<tag>>/g,
    generic: true,
    validate: (value) => plausibleSecret(value, 3),
    examples: {
      positive: [
        `<server>\n  <id>releases</id>\n  <username>deploy</username>\n  <password>${g(BASE62, 18)}</password>\n</server>`,
        `<add><apiKey>${g(BASE62, 32)}</apiKey></add>`,
      ],
      negative: [
        '<password>{COQLCE6DU6GtcS5P=}</password>',
        '<password>${env.MAVEN_PASSWORD}</password>',
        '<UserSecretsId>79a3edd0-2092-40a2-a04d-dcb46d5ca9ed</UserSecretsId>',
        '<token>TOKEN_PLACEHOLDER</token>',
      ],
    },
  },
];
