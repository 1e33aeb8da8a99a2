/** Runs the real CLI (bin/inline.js, built dist/) in a temporary git repository with an isolated environment. */
import { cpSync, mkdtempSync, mkdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

export const BIN = fileURLToPath(new URL('../../bin/inline.js', import.meta.url));

export interface TempRepo {
  root: string;
  home: string;
  env: Record<string, string>;
  write(path: string, content: string): void;
  cleanup(): void;
}

export async function makeTempRepo(options: { git?: boolean } = {}): Promise<TempRepo> {
  const base = realpathSync(mkdtempSync(join(tmpdir(), 'inline-test-')));
  const root = join(base, 'repo');
  const home = join(base, 'home');
  mkdirSync(root, { recursive: true });
  mkdirSync(home, { recursive: true });
  if (options.git !== false) await execa('git', ['init', '-q'], { cwd: root });
  // Only what the CLI needs from the outside world, so a developer's own config cannot leak in.
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    NO_COLOR: '1',
  };
  return {
    root,
    home,
    env,
    write(path, content) {
      const full = join(root, path);
      mkdirSync(dirname(full), { recursive: true });
      writeFileSync(full, content);
    },
    cleanup() {
      rmSync(base, { recursive: true, force: true });
    },
  };
}

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export async function runCli(args: string[], options: { cwd: string; env: Record<string, string>; timeoutMs?: number; input?: string }): Promise<CliResult> {
  const result = await execa(process.execPath, [BIN, ...args], {
    cwd: options.cwd,
    env: options.env,
    extendEnv: false,
    reject: false,
    timeout: options.timeoutMs ?? 15_000,
    ...(options.input === undefined ? { stdin: 'ignore' as const } : { input: options.input }),
  });
  return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr) };
}

/** A temporary git repository holding a copy of fixtures/repos/<name> (e.g. the Python "shop"). */
export async function makeFixtureRepo(name: string): Promise<TempRepo> {
  const repo = await makeTempRepo();
  cpSync(fileURLToPath(new URL(`../../fixtures/repos/${name}`, import.meta.url)), repo.root, { recursive: true });
  return repo;
}

/** Runs git in the temporary repository with its isolated environment; resolves to stdout. */
export async function git(repo: TempRepo, ...args: string[]): Promise<string> {
  const result = await execa('git', args, { cwd: repo.root, env: repo.env, extendEnv: false });
  return String(result.stdout);
}

/**
 * Writes the files and commits them as the first commit. Inline's own commits need an identity,
 * and the isolated environment has no global git config, so one is set here.
 */
export async function commitFiles(repo: TempRepo, files: Record<string, string>, message = 'initial'): Promise<void> {
  for (const [path, content] of Object.entries(files)) repo.write(path, content);
  await git(repo, 'config', 'user.name', 'Test');
  await git(repo, 'config', 'user.email', 'test@example.com');
  await git(repo, 'add', '-A');
  await git(repo, 'commit', '-q', '-m', message);
}

/** A SEARCH/REPLACE block as a model writes it in Markdown. */
export function searchReplaceBlock(path: string, search: string, replace: string, language = ''): string {
  return `${path}\n\`\`\`${language}\n<<<<<<< SEARCH\n${search}=======\n${replace}>>>>>>> REPLACE\n\`\`\`\n`;
}
