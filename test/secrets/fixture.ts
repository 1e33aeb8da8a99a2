/**
 * A git repository with secrets planted where each scan mode must (or must not) find them: only
 * in history, in a deleted file, on an unmerged branch, staged, in an unstaged edit, in an
 * untracked .env, in an ignored file, next to an `inline:allow` comment, and in a binary keystore.
 */
import { randomInt } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { execa } from 'execa';
import { RULES } from '../../src/secrets/rules/index.js';
import { scanText } from '../../src/secrets/scan.js';
import type { SecretRule } from '../../src/secrets/types.js';
import { makeTempRepo, type TempRepo } from '../support/cli.js';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

function random(alphabet: string, length: number): string {
  // Enough distinct characters that no entropy threshold could reject it.
  for (;;) {
    const text = Array.from({ length }, () => alphabet[randomInt(alphabet.length)]).join('');
    if (new Set(text).size >= Math.min(12, length - 2)) return text;
  }
}

/** `AKIA` and 16 characters of AWS's base32 alphabet, like a real access key id. */
export function awsKeyId(): string {
  return `AKIA${random(BASE32, 16)}`;
}

/** `ghp_`, 30 random characters and their CRC32 in base62, which is what a real token's last 6 are. */
export function githubToken(): string {
  const body = random(BASE62, 30);
  let crc = crc32(body);
  let checksum = '';
  for (let i = 0; i < 6; i++) {
    checksum = BASE62[crc % 62] + checksum;
    crc = Math.floor(crc / 62);
  }
  return `ghp_${body}${checksum}`;
}

/** Stand-ins for the real rules, used only while the rules are still being written. */
export const TEST_RULES: readonly SecretRule[] = [
  {
    id: 'test-aws-access-key',
    description: 'AWS access key ID (test rule)',
    keywords: ['akia'],
    pattern: /\b(AKIA[A-Z2-7]{16})\b/g,
    examples: { positive: [], negative: [] },
  },
  {
    id: 'test-github-token',
    description: 'GitHub token (test rule)',
    keywords: ['ghp_'],
    pattern: /\b(ghp_[A-Za-z0-9]{36})\b/g,
    examples: { positive: [], negative: [] },
  },
];

/** The rule ids the real rules give the two planted kinds, or undefined when a rule is missing. */
export function realRuleIds(): { aws: string; github: string } | undefined {
  const idOf = (secret: string) => scanText(`value = "${secret}"`, { rules: RULES })[0]?.rule;
  const aws = idOf(awsKeyId());
  const github = idOf(githubToken());
  return aws && github ? { aws, github } : undefined;
}

/** The real rules when they cover both planted kinds, else the stand-ins. */
export function unitRules(): { rules: readonly SecretRule[]; aws: string; github: string } {
  const real = realRuleIds();
  return real ? { rules: RULES, ...real } : { rules: TEST_RULES, aws: 'test-aws-access-key', github: 'test-github-token' };
}

export interface SecretRepo extends TempRepo {
  /** The environment every git and CLI call uses: no global or system git configuration. */
  gitEnv: Record<string, string>;
  git(...args: string[]): Promise<string>;
  secrets: {
    history: string;
    deleted: string;
    branch: string;
    recent: string;
    allowed: string;
    staged: string;
    unstaged: string;
    env: string;
    ignored: string;
    binary: string;
  };
  commits: { initial: string; removal: string; feature: string; recent: string };
}

export const NOTES = 'docs/café notes.md';

export async function makeSecretRepo(): Promise<SecretRepo> {
  const repo = await makeTempRepo();
  const gitEnv: Record<string, string> = {
    ...repo.env,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 'Ada Lovelace',
    GIT_AUTHOR_EMAIL: 'ada@example.com',
    GIT_COMMITTER_NAME: 'Ada Lovelace',
    GIT_COMMITTER_EMAIL: 'ada@example.com',
  };
  const git = async (...args: string[]) =>
    (await execa('git', args, { cwd: repo.root, env: gitEnv, extendEnv: false })).stdout;
  const at = async (date: string, ...args: string[]) =>
    execa('git', args, { cwd: repo.root, env: { ...gitEnv, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date }, extendEnv: false });
  const head = () => git('rev-parse', 'HEAD');

  const secrets = {
    history: awsKeyId(),
    deleted: githubToken(),
    branch: awsKeyId(),
    recent: githubToken(),
    allowed: awsKeyId(),
    staged: githubToken(),
    unstaged: awsKeyId(),
    env: awsKeyId(),
    ignored: githubToken(),
    binary: awsKeyId(),
  };
  await git('config', 'user.name', 'Ada Lovelace');
  await git('config', 'user.email', 'ada@example.com');
  await git('config', 'commit.gpgsign', 'false');

  repo.write('app.js', "const region = 'us-east-1';\nmodule.exports = { region };\n");
  repo.write('config.js', `// settings\nconst retries = 3;\nconst awsKey = '${secrets.history}';\n`);
  repo.write('deploy/creds.txt', `user=ci\ntoken=${secrets.deleted}\n`);
  repo.write('allowed.js', `const documented = '${secrets.allowed}'; // inline:allow\n`);
  repo.write('.gitignore', 'ignored.txt\n');
  await git('add', '-A');
  await at('2024-01-01T10:00:00Z', 'commit', '-qm', 'initial');
  const initial = await head();

  repo.write('config.js', '// settings\nconst retries = 3;\nconst awsKey = process.env.AWS_KEY;\n');
  await git('rm', '-q', 'deploy/creds.txt');
  await git('add', '-A');
  await at('2024-01-02T10:00:00Z', 'commit', '-qm', 'remove secrets');
  const removal = await head();

  const main = await git('symbolic-ref', '--short', 'HEAD');
  await git('checkout', '-qb', 'feature');
  repo.write('feature.txt', `feature flag\n${secrets.branch}\n`);
  await git('add', '-A');
  await at('2024-01-03T10:00:00Z', 'commit', '-qm', 'feature');
  const feature = await head();
  await git('checkout', '-q', main);

  repo.write(NOTES, `# Notes\n\nThe CI token:\n${secrets.recent}\n`);
  await git('add', '-A');
  await at('2024-01-04T10:00:00Z', 'commit', '-qm', 'notes');
  const recent = await head();

  repo.write('staged.js', `// new module\nconst token = '${secrets.staged}';\n`);
  await git('add', 'staged.js');
  repo.write('app.js', `const region = 'us-east-1';\nmodule.exports = { region };\nconst key = '${secrets.unstaged}';\n`);
  repo.write('.env', `AWS_ACCESS_KEY_ID=${secrets.env}\n`);
  repo.write('ignored.txt', `${secrets.ignored}\n`);
  // A keystore is a credential file the walker sets aside by name; its NUL bytes must still keep it out.
  writeFileSync(join(repo.root, 'store.p12'), Buffer.concat([Buffer.from([0x30, 0x82, 0, 0]), Buffer.from(`\n${secrets.binary}\n`)]));

  return { ...repo, gitEnv, git, secrets, commits: { initial, removal, feature, recent } };
}
