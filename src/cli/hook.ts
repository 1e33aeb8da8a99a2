/**
 * `inline hook install | uninstall | run`: a git pre-commit hook that refuses commits whose staged
 * changes add a secret. Our hook is recognised by a marker line, so a hook written by someone
 * else (or another tool) is never replaced without --force and never removed.
 */
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { CommandContext } from './command-context.js';
import { UsageError } from './usage-error.js';

const MARKER = '# inline-secret-scan-hook v1';
const ACTIONS = ['install', 'uninstall', 'run'] as const;

interface HookCommandOptions {
  force?: boolean;
}

/** Single-quoted for sh: nothing inside is special except the quote itself. */
function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/**
 * The hook runs this checkout's launcher with whichever node is on PATH (GUI git clients often
 * have a thinner PATH, hence the absolute node as a second choice). If the checkout has moved,
 * a locally installed inline is used; `--no-install` keeps npx from fetching an unrelated package
 * of the same name from the registry.
 */
export function hookScript(bin: string, node: string): string {
  return `#!/bin/sh
${MARKER}
# Installed by \`inline hook install\`; remove with \`inline hook uninstall\`.
# Blocks commits whose staged changes add a secret. Bypass once with \`git commit --no-verify\`.
INLINE_BIN=${shellQuote(bin)}
if [ -f "$INLINE_BIN" ]; then
  if command -v node >/dev/null 2>&1; then
    exec node "$INLINE_BIN" hook run
  fi
  if [ -x ${shellQuote(node)} ]; then
    exec ${shellQuote(node)} "$INLINE_BIN" hook run
  fi
fi
exec npx --no-install inline hook run
`;
}

export function isOurHook(content: string): boolean {
  return content.split('\n').some((line) => line.trim() === MARKER);
}

/** Where git looks for hooks: `.git/hooks`, or core.hooksPath when set, and right in worktrees. */
async function hooksDirectory(root: string): Promise<string> {
  try {
    const { stdout } = await promisify(execFile)('git', ['rev-parse', '--git-path', 'hooks'], { cwd: root, encoding: 'utf8' });
    return resolve(root, stdout.trim());
  } catch (err) {
    const detail = String((err as { stderr?: unknown }).stderr ?? (err as Error).message).trim();
    throw new UsageError(`${root} is not a git repository: ${detail.split('\n')[0]}`);
  }
}

function readHook(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new UsageError(`cannot read ${path}: ${(err as Error).message}`);
  }
}

async function install(context: CommandContext, force: boolean): Promise<number> {
  const { root, git } = context.root();
  if (!git) throw new UsageError(`${root} is not a git repository`);
  const hook = join(await hooksDirectory(root), 'pre-commit');
  const existing = readHook(hook);
  let backup: string | undefined;
  if (existing !== undefined && !isOurHook(existing)) {
    if (!force) {
      throw new UsageError(`${hook} already exists and was not installed by inline; rerun with --force to replace it (it is kept as pre-commit.inline-backup)`);
    }
    backup = `${hook}.inline-backup`;
    renameSync(hook, backup);
  }
  const bin = fileURLToPath(new URL('../../bin/inline.js', import.meta.url));
  mkdirSync(resolve(hook, '..'), { recursive: true });
  writeFileSync(hook, hookScript(bin, process.execPath), { mode: 0o755 });
  // The mode given to writeFileSync does not apply when the file already existed.
  chmodSync(hook, 0o755);
  const verb = existing !== undefined && backup === undefined ? 'updated' : 'installed';
  context.output.out(`${verb} pre-commit hook: ${hook}${backup ? ` (previous hook saved as ${backup})` : ''}`);
  return 0;
}

async function uninstall(context: CommandContext): Promise<number> {
  const { root, git } = context.root();
  if (!git) throw new UsageError(`${root} is not a git repository`);
  const hook = join(await hooksDirectory(root), 'pre-commit');
  const existing = readHook(hook);
  if (existing === undefined) {
    context.output.out('no pre-commit hook installed; nothing to remove');
    return 0;
  }
  if (!isOurHook(existing)) throw new UsageError(`${hook} was not installed by inline; left in place`);
  rmSync(hook);
  const backup = `${hook}.inline-backup`;
  const restored = existsSync(backup);
  if (restored) renameSync(backup, hook);
  context.output.out(`removed pre-commit hook: ${hook}${restored ? ' (restored the hook it replaced)' : ''}`);
  return 0;
}

/** The scan the hook runs, with advice on what to do when it blocks a commit. */
async function runHook(context: CommandContext): Promise<number> {
  const { executeScan } = await import('./scan.js');
  const { exitCode } = await executeScan(context, { mode: { kind: 'staged' }, format: 'text', quietWhenClean: true });
  if (exitCode === 1) {
    const s = context.output.errStyle;
    context.output.err(
      `${s.red('inline: commit blocked:')} the staged changes add a secret.\n` +
        'Remove it (and rotate it if it was ever shared), mark a false positive with an `inline:allow` comment on its line,\n' +
        'or commit anyway with `git commit --no-verify`.',
    );
  }
  return exitCode;
}

export async function run(context: CommandContext, args: string[], options: Record<string, unknown>): Promise<number> {
  const opts = options as HookCommandOptions;
  const [action, ...extra] = args;
  if (!ACTIONS.includes(action as (typeof ACTIONS)[number])) {
    throw new UsageError(`hook needs one of ${ACTIONS.join(', ')}, got "${action ?? ''}"`);
  }
  if (extra.length > 0) throw new UsageError(`unexpected arguments after "hook ${action}": ${extra.join(' ')}`);
  if (opts.force && action !== 'install') throw new UsageError('--force only applies to "hook install"');
  if (action === 'install') return install(context, opts.force === true);
  if (action === 'uninstall') return uninstall(context);
  return runHook(context);
}
