import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { readOrUndefined, writeDurably } from './store-lock.js';

/**
 * Creates `<root>/.inline` (owner-only: it caches source text) and, when root is inside a git
 * repository, excludes it through .git/info/exclude so the user's .gitignore is never touched.
 */
export function ensureStateDir(root: string): string {
  const state = path.join(root, '.inline');
  fs.mkdirSync(state, { recursive: true, mode: 0o700 });
  try {
    const exclude = findExcludeFile(root);
    if (exclude) addExcludeLine(exclude);
  } catch {
    // An unreadable or unwritable .git only means `.inline/` shows up as untracked.
  }
  return state;
}

/** Where git reads exclude patterns for the repository containing `root`, if any. */
function findExcludeFile(root: string): string | undefined {
  for (let dir = path.resolve(root); ; dir = path.dirname(dir)) {
    const dotGit = path.join(dir, '.git');
    const stat = fs.statSync(dotGit, { throwIfNoEntry: false });
    if (stat?.isDirectory()) return path.join(dotGit, 'info', 'exclude');
    if (stat?.isFile()) {
      // Worktrees and submodules have a `.git` file naming their git dir. A worktree's git dir
      // names the shared one in `commondir`, and info/exclude is read from the shared one.
      const gitDir = /^gitdir:\s*(.+?)\s*$/m.exec(fs.readFileSync(dotGit, 'utf8'))?.[1];
      if (!gitDir) return undefined;
      const own = path.resolve(dir, gitDir);
      const common = readOrUndefined(path.join(own, 'commondir'))?.trim();
      return path.join(common ? path.resolve(own, common) : own, 'info', 'exclude');
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

function addExcludeLine(file: string): void {
  const text = readOrUndefined(file) ?? '';
  const present = text.split(/\r?\n/).some((line) => ['.inline', '.inline/', '/.inline', '/.inline/'].includes(line.trim()));
  if (present) return;
  const separator = text.length > 0 && !text.endsWith('\n') ? '\n' : '';
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    writeDurably(temp, Buffer.from(`${text}${separator}.inline/\n`), 0o644);
    fs.renameSync(temp, file);
  } catch (err) {
    fs.rmSync(temp, { force: true });
    throw err;
  }
}
