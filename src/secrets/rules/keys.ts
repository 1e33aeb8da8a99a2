/**
 * Structural secrets that belong to no vendor: private keys (PEM, OpenSSH, PGP, PuTTY, age), JWTs,
 * Kubernetes Secret manifests and credentials inside URLs, HTTP headers, curl lines and .netrc.
 */
import type { SecretRule } from '../types.js';
import {
  BASE62, BASE64, BASE64URL, BECH32, HEX, bitsPerChar, fakeJwt, generator, isBasicCredential, isPlaceholderPassword,
  isSignedJwt, toBase64,
} from './support.js';

const g = generator('keys');

const wrap = (text: string, width: number, eol = '\n') => (text.match(new RegExp(`.{1,${width}}`, 'g')) ?? []).join(eol);
const pem = (label: string, der: string, eol = '\n') => `-----BEGIN ${label}-----${eol}${wrap(der, 64, eol)}${eol}-----END ${label}-----`;
/** DER SEQUENCE headers (what every real PKCS#1/#8/SEC1 key starts with) over random filler. */
const rsaDer = () => `MIIEowIBAAKCAQEA${g(BASE64, 1560)}`;
const pkcs8Der = () => `MIIEvQIBADANBgkqhkiG9w0BAQEFAASC${g(BASE64, 1560)}`;
const ecDer = () => `MHcCAQEEI${g(BASE64, 147)}`;

function sshString(value: Buffer | string): Buffer {
  const bytes = Buffer.from(value);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

function opensshDer(cipher: string, kdf: string): string {
  const random = (n: number) => Buffer.from(g(BASE64, Math.ceil((n * 4) / 3 / 4) * 4), 'base64').subarray(0, n);
  const count = Buffer.from([0, 0, 0, 1]);
  const kdfOptions = kdf === 'none' ? '' : Buffer.concat([sshString(random(16)), Buffer.from([0, 0, 0, 16])]);
  const parts = [Buffer.from('openssh-key-v1\0'), sshString(cipher), sshString(kdf), sshString(kdfOptions), count, sshString(random(51)), sshString(random(144))];
  return Buffer.concat(parts).toString('base64');
}

/** True for an OpenSSH key whose private half is stored in the clear (cipher "none"). */
function isCleartextOpenSsh(der: Buffer): boolean {
  const magic = 'openssh-key-v1\0';
  if (der.subarray(0, magic.length).toString('latin1') !== magic || der.length < magic.length + 8) return false;
  const length = der.readUInt32BE(magic.length);
  return der.subarray(magic.length + 4, magic.length + 4 + length).toString('latin1') === 'none';
}

/**
 * A key block whose body is a real DER structure (or an unencrypted OpenSSH key), not a doc
 * placeholder like "MIIE...". Keys encrypted with a passphrase are not usable as found.
 */
function isUsablePrivateKey(block: string): boolean {
  const label = /-----BEGIN ([A-Z ]*)PRIVATE KEY-----/.exec(block)?.[1]?.trim() ?? '';
  const body = block.replace(/-----[A-Z ]+-----/g, '').replace(/\\[nr]|\s/g, '');
  if (body.length < 64 || !/^[A-Za-z0-9+/]+={0,2}$/.test(body) || bitsPerChar(body) < 4.5) return false;
  const der = Buffer.from(body, 'base64');
  return label === 'OPENSSH' ? isCleartextOpenSsh(der) : der[0] === 0x30;
}

function isKubernetesSecretData(block: string): boolean {
  for (const line of block.split('\n')) {
    const value = /:\s*["']?([A-Za-z0-9+/]+={0,2})/.exec(line)?.[1];
    if (!value || value.length % 4 !== 0) continue;
    const decoded = Buffer.from(value, 'base64').toString('utf8').trim();
    if (decoded && !isPlaceholderPassword(decoded)) return true;
  }
  return false;
}

const secretManifest = (data: string) =>
  `apiVersion: v1\nkind: Secret\nmetadata:\n  name: app-credentials\ntype: Opaque\ndata:\n${data}`;

export const KEY_RULES: readonly SecretRule[] = [
  {
    id: 'private-key',
    description: 'Private key (PEM: RSA, EC, DSA, PKCS#8, OpenSSH)',
    keywords: ['private key-----'],
    // "ENCRYPTED PRIVATE KEY" and Proc-Type/DEK-Info headers do not fit this on purpose.
    pattern: /(?<secret>-----BEGIN (?:(?:RSA|EC|DSA|OPENSSH) )?PRIVATE KEY-----[A-Za-z0-9+/=\s\\]{64,16384}-----END (?:(?:RSA|EC|DSA|OPENSSH) )?PRIVATE KEY-----)/g,
    validate: isUsablePrivateKey,
    examples: {
      positive: [
        pem('RSA PRIVATE KEY', rsaDer()),
        `tls:\n  key: |\n    ${pem('PRIVATE KEY', pkcs8Der(), '\n    ')}`,
        pem('EC PRIVATE KEY', ecDer(), '\r\n'),
        pem('OPENSSH PRIVATE KEY', wrap(opensshDer('none', 'none'), 70, '')),
        `{"key": "${pem('PRIVATE KEY', pkcs8Der(), '\\n')}\\n"}`,
      ],
      negative: [
        '-----BEGIN PRIVATE KEY-----\nanything\n-----END PRIVATE KEY-----',
        pem('ENCRYPTED PRIVATE KEY', `MIIFHDBOBgkqhkiG9w0BBQ0wQTApBgkqhkiG9w0BBQwwHAQI${g(BASE64, 1200)}`),
        `-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-256-CBC,${g(HEX, 32).toUpperCase()}\n\n${wrap(g(BASE64, 1600), 64)}\n-----END RSA PRIVATE KEY-----`,
        pem('OPENSSH PRIVATE KEY', wrap(opensshDer('aes256-ctr', 'bcrypt'), 70, '')),
        pem('CERTIFICATE', `MIIDdzCCAl+gAwIBAgIE${g(BASE64, 1100)}`),
        pem('PUBLIC KEY', `MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA${g(BASE64, 340)}IDAQAB`),
        `ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ${g(BASE64, 360)} ci@build`,
        '-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA...\n-----END RSA PRIVATE KEY-----',
      ],
    },
  },
  {
    id: 'pgp-private-key',
    description: 'PGP private key block',
    keywords: ['begin pgp private key block'],
    // Dashes are allowed inside (armor comments) but never five in a row, so a header without a
    // footer cannot make the match run on to the next block.
    pattern: /(?<secret>-----BEGIN PGP PRIVATE KEY BLOCK-----(?:[^-]|-(?!----)){64,65536}-----END PGP PRIVATE KEY BLOCK-----)/g,
    validate: (block) => /[A-Za-z0-9+/]{60}/.test(block),
    examples: {
      positive: [
        `-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nlQOYBF${wrap(g(BASE64, 1200), 64)}\n=${g(BASE64, 4)}\n-----END PGP PRIVATE KEY BLOCK-----`,
        `-----BEGIN PGP PRIVATE KEY BLOCK-----\nComment: build-signing - do not share\n\nlQdGBG${wrap(g(BASE64, 2000), 64)}\n-----END PGP PRIVATE KEY BLOCK-----`,
      ],
      negative: [
        `-----BEGIN PGP PUBLIC KEY BLOCK-----\nVersion: GnuPG v2\n\nmQENBF${wrap(g(BASE64, 1200), 64)}\n-----END PGP PUBLIC KEY BLOCK-----`,
        '-----BEGIN PGP PRIVATE KEY BLOCK-----\n...\n-----END PGP PRIVATE KEY BLOCK-----',
      ],
    },
  },
  {
    id: 'putty-private-key',
    description: 'PuTTY private key file (unencrypted)',
    keywords: ['putty-user-key-file'],
    pattern: /PuTTY-User-Key-File-[23]:[ \t]*[\w.@-]{3,40}\r?\nEncryption:[ \t]*none\r?\n(?:[^\r\n]{0,200}\r?\n){0,60}?Private-Lines:[ \t]*\d{1,3}\r?\n(?<secret>[A-Za-z0-9+/=\r\n]{40,8000})/g,
    entropy: 4,
    examples: {
      positive: [
        `PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: deploy\nPublic-Lines: 2\n${wrap(g(BASE64, 100), 64)}\nPrivate-Lines: 1\n${g(BASE64, 48)}\nPrivate-MAC: ${g(HEX, 64)}\n`,
        `PuTTY-User-Key-File-2: ssh-rsa\r\nEncryption: none\r\nComment: rsa-key\r\nPublic-Lines: 6\r\n${wrap(g(BASE64, 372), 64, '\r\n')}\r\nPrivate-Lines: 14\r\n${wrap(g(BASE64, 880), 64, '\r\n')}\r\nPrivate-MAC: ${g(HEX, 40)}\r\n`,
      ],
      negative: [
        `PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: aes256-cbc\nComment: deploy\nPublic-Lines: 2\n${wrap(g(BASE64, 100), 64)}\nKey-Derivation: Argon2id\nPrivate-Lines: 1\n${g(BASE64, 48)}\n`,
        'PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: (see docs)\n',
      ],
    },
  },
  {
    id: 'age-secret-key',
    description: 'age encryption secret key',
    keywords: ['age-secret-key-1'],
    pattern: /(?<![\w-])(?<secret>AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58})(?![\w-])/g,
    entropy: 3.5,
    examples: {
      positive: [`# created: 2024-05-01T10:00:00Z\n# public key: age1${g(BECH32, 58).toLowerCase()}\nAGE-SECRET-KEY-1${g(BECH32, 58)}`, `SOPS_AGE_KEY=AGE-SECRET-KEY-1${g(BECH32, 58)}`],
      negative: [`age1${g(BECH32, 58).toLowerCase()}`, 'AGE-SECRET-KEY-1QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ'],
    },
  },
  {
    id: 'jwt',
    description: 'Signed JSON Web Token',
    keywords: ['eyj'],
    pattern: /(?<![\w.-])(?<secret>eyJ[A-Za-z0-9_-]{10,2000}\.ey[A-Za-z0-9_-]{10,8000}\.[A-Za-z0-9_-]{16,1000})(?![\w.-])/g,
    validate: isSignedJwt,
    // The sample tokens of jwt.io and of PyJWT's README, signed with published secrets.
    allow: [/\.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c$/, /\.4twFt5NiznN84AWoo1d7KO1T_yoc0Z6XOpOVswacPZg$/],
    examples: {
      positive: [
        `Authorization: Bearer ${fakeJwt(g, { sub: '1234567890', iat: 1716000000, exp: 1916000000 })}`,
        `SUPABASE_SERVICE_ROLE_KEY=${fakeJwt(g, { iss: 'supabase', role: 'service_role', exp: 1999999999 })}`,
        `token: ${fakeJwt(g, { sub: 'svc', scope: 'admin' }, 'RS256')}`,
      ],
      negative: [
        // Unsigned: alg none and an empty signature.
        `${toBase64(JSON.stringify({ alg: 'none' })).replace(/=+$/, '')}.${toBase64(JSON.stringify({ sub: 'x' })).replace(/=+$/, '')}.`,
        `SUPABASE_ANON_KEY=${fakeJwt(g, { iss: 'supabase', role: 'anon', exp: 1999999999 })}`,
        `eyJ${g(BASE64URL, 30)}.ey${g(BASE64URL, 40)}.${g(BASE64URL, 43)}`,
        'Bearer eyJhbGciOiJIUzI1NiJ9.e30.',
      ],
    },
  },
  {
    id: 'kubernetes-secret',
    description: 'Kubernetes Secret manifest with base64 data values',
    keywords: ['secret'],
    pattern:
      /^data:(?:(?<=kind:[ \t]*["']?Secret["']?[ \t]*\r?\n[\s\S]{0,2000}data:)|(?=[ \t]*\r?\n(?:[ \t][^\n]{0,10000}\n){1,100}kind:[ \t]*["']?Secret\b))[ \t]*\r?\n(?<secret>(?:[ \t]{1,8}[\w.-]{1,253}:[ \t]{0,4}["']?[A-Za-z0-9+/]{4,10000}={0,2}["']?[ \t]{0,4}(?:\r?\n|$)){1,100})/gm,
    validate: isKubernetesSecretData,
    examples: {
      positive: [
        secretManifest(`  username: ${toBase64('app')}\n  password: ${toBase64(g(BASE62, 20))}\n`),
        `apiVersion: v1\ndata:\n  api-token: ${toBase64(g(BASE62, 32))}\nkind: Secret\nmetadata:\n  name: api\ntype: Opaque\n`,
      ],
      negative: [
        `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  mode: ${toBase64('production')}\n  level: ZGVidWc=\n`,
        secretManifest(`  username: ${toBase64('admin')}\n`),
        secretManifest('  password: {{ .Values.password | b64enc }}\n'),
        'apiVersion: v1\nkind: Secret\nmetadata:\n  name: app\nstringData:\n  note: filled in by the operator\n',
      ],
    },
  },
  {
    id: 'url-password',
    description: 'Password embedded in a connection string or URL',
    keywords: ['://'],
    // The longest scheme is jdbc: and twelve letters; user, password and host follow the keyword.
    anchor: { before: 17, after: /[^:/@\s"'`<>{}$]{1,64}:[^@/\s"'`<>{}]{3,128}@[A-Za-z0-9._[\]-]/ },
    pattern:
      /\b(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|rediss?|amqps?|ftps?|sftp|smtps?|https?|ldaps?|mssql|sqlserver|jdbc:[a-z]{2,12}|clickhouse|nats|mqtts?|kafka|couchdb|neo4j(?:\+s)?|bolt):\/\/(?<user>[^:/@\s"'`<>{}$]{1,64}):(?!\k<user>@)(?<secret>[^@/\s"'`<>{}]{3,128})@(?![\w.-]*\b(?:example\.(?:com|org|net)|[\w-]+\.(?:example|invalid|test))\b)[A-Za-z0-9._[\]-]{1,253}/gi,
    generic: true,
    validate: (password) => !isPlaceholderPassword(password) && !/^(?:x-oauth-basic|\$\w+|%\w+%?|\*+)$/i.test(password),
    examples: {
      positive: [
        `DATABASE_URL=postgres://app:${g(BASE62, 16)}@db.internal:5432/app`,
        `mongodb+srv://reporting:${g(BASE62, 12)}%21@cluster0.abcde.mongodb.net/?retryWrites=true`,
        `CELERY_BROKER_URL=amqp://worker:${g(BASE62, 14)}@rabbit:5672//`,
        `redis://default:${g(BASE62, 24)}@cache.prod.internal:6379/0`,
      ],
      negative: [
        'postgres://user:password@localhost:5432/db',
        'postgres://postgres:postgres@localhost:5432/app',
        'mongodb+srv://${DB_USER}:${DB_PASS}@cluster0.mongodb.net/app',
        'redis://:****@cache:6379',
        'https://user:<pw>@example.com/repo.git',
        'https://example.com:8080/path@v2',
        'amqp://guest:guest@localhost:5672/',
        // Documentation hosts (RFC 2606) only ever carry made-up credentials.
        `https://abc:${g(BASE62, 12)}@example.com/path`,
      ],
    },
  },
  {
    id: 'basic-auth-header',
    description: 'HTTP Basic credentials in an Authorization header',
    keywords: ['authorization'],
    pattern: /Authorization["']?[ \t]*[:=][ \t]*["']?Basic[ \t]+(?<secret>[A-Za-z0-9+/]{8,512}={0,2})(?![\w+/=])/gi,
    validate: isBasicCredential,
    examples: {
      positive: [`Authorization: Basic ${toBase64(`deploy:${g(BASE62, 18)}`)}`, `headers = {"Authorization": "Basic ${toBase64(`api:${g(BASE62, 24)}`)}"}`],
      negative: [
        `Authorization: Basic ${toBase64('user:password')}`,
        `Authorization: Basic ${toBase64(g(BASE62, 24))}`,
        'Authorization: Basic <base64(user:pass)>',
      ],
    },
  },
  {
    id: 'bearer-token',
    description: 'Bearer token in an Authorization header',
    keywords: ['bearer'],
    pattern: /Authorization["']?[ \t]*[:=][ \t]*["'`]?Bearer[ \t]+(?<secret>[A-Za-z0-9._~+/-]{20,4096}={0,2})(?![\w.~+/=-])/gi,
    entropy: 3.5,
    generic: true,
    examples: {
      positive: [`curl -H "Authorization: Bearer ${g(BASE64URL, 40)}" https://api.example.com/v1/items`, `Authorization: Bearer ${g(BASE62, 32)}`],
      negative: [
        'curl https://example.com/micropub -d h=entry -d "content=Hello World" -H "Authorization: Bearer XXXXXXXXXXXX"',
        'curl \\\n  -H "Authorization: Bearer <Openverse API token>" \\\n  "https://api.openverse.org/v1/audio/?q=test"',
        '    -H "Authorization: Bearer $API_KEY" \\',
        'curl -X GET -H "Authorization: Bearer $(gcloud auth print-access-token)" https://workflowexecutions.googleapis.com/v1/x',
        'headers: { Authorization: `Bearer ${token}` }',
      ],
    },
  },
  {
    id: 'curl-basic-auth',
    description: 'Credentials passed to curl with -u / --user',
    keywords: ['curl'],
    pattern:
      /\bcurl\b[^\n]{0,300}?[ \t](?:-u|--user)(?:[ \t]{1,3}|=)(?<q>["']?)(?<user>[^\s:"'$<{}]{1,64}):(?!\k<user>\k<q>(?:\s|$))(?<secret>[^\s"'$<{}]{4,128})\k<q>(?=\s|$)/g,
    validate: (password) => !isPlaceholderPassword(password),
    entropy: 2.5,
    examples: {
      positive: [`curl -u deploy:${g(BASE62, 16)} https://ci.example.com/job/build`, `curl --user "api:${g(BASE62, 20)}" -X POST https://api.example.com/v1/send`],
      negative: [
        "curl -i -u 'test:test'",
        'curl -u <user:password> https://test.com/endpoint',
        'curl -u "${_username}:${_password}"',
        'curl --silent --fail {{- if and $.Values.username $.Values.password }} --user "{{ $.Values.username }}:{{ $.Values.password }}"',
        'curl -u admin:changeme http://localhost:9200',
      ],
    },
  },
  {
    id: 'netrc-password',
    description: 'Password in a .netrc / _netrc entry',
    keywords: ['machine'],
    pattern: /\bmachine[ \t]+[\w.-]{1,253}[ \t\r\n]+login[ \t]+[^\s]{1,128}[ \t\r\n]+password[ \t]+(?<secret>[^\s"'`]{4,256})/g,
    validate: (password) => !isPlaceholderPassword(password) && !/^[$<{]/.test(password),
    entropy: 2.5,
    examples: {
      positive: [`machine api.github.com\n  login octocat\n  password ${g(BASE62, 20)}`, `machine ftp.example.com login backup password ${g(BASE62, 14)}`],
      negative: ['machine api.example.com login user password <password>', 'machine example.com login anonymous password changeme'],
    },
  },
];
