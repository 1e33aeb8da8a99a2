/**
 * What the secret scanner reads: the lines a change adds (staged, unstaged, or every commit in a
 * history), files in the working tree, or standard input. Diffs are scanned as the added text
 * only, so a secret that was already committed is reported where it was introduced, not on every
 * later edit near it; `lineOffset` maps a line of that text back to its line in the real file.
 *
 * Kept free of heavy imports: `inline scan --staged` runs in a pre-commit hook on every commit.
 */
import { spawn } from 'node:child_process';
import { closeSync, lstatSync, openSync, readSync, realpathSync, type Stats } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';

export interface ScanSource {
  /** Repository-relative, forward slashes. */
  path: string;
  text: string;
  /** Maps a 1-based line of `text` to the line in the file it came from; identity when absent. */
  lineOffset?: (line: number) => number;
  commit?: string;
  /** `Name <email>`. */
  author?: string;
  /** ISO 8601, the author date. */
  date?: string;
}

/** Git failed or a path was unusable; exit code 2, like a usage error, because the user must act. */
export class ScanSourceError extends Error {
  readonly exitCode = 2 as const;

  constructor(message: string) {
    super(message);
    this.name = 'ScanSourceError';
  }
}

export interface HistoryOptions {
  /** Anything `git log` accepts as one revision argument: `main`, `v1.2..HEAD`, `HEAD~5..`. */
  range?: string;
  /** Every ref (branches, tags, remotes, stash) instead of what HEAD reaches. */
  all?: boolean;
}

const MAX_FILE_BYTES = 1024 * 1024;
const BINARY_PROBE_BYTES = 8192;

/**
 * Pinned so that user configuration cannot change what we parse: prefixes (diff.noprefix,
 * diff.mnemonicPrefix), external diff drivers and textconv filters (which would show converted
 * text instead of what is committed), colour, and rename detection (without it a moved file
 * would be reported again under its new name).
 */
export const PINNED_DIFF_OPTIONS = ['--no-color', '--no-ext-diff', '--no-textconv', '-M', '--src-prefix=a/', '--dst-prefix=b/'];
/** Added lines are all a scan needs: no context. */
const DIFF_ARGS = ['-U0', ...PINNED_DIFF_OPTIONS];

/** NUL cannot start a diff line, so the commit header cannot be mistaken for patch text. */
const COMMIT_FORMAT = '--format=%x00%H%x00%an%x00%ae%x00%aI';

interface CommitInfo {
  commit: string;
  author: string;
  date: string;
}

/** Undoes git's C-style quoting of unusual paths (`"b/\303\274.txt"`); the octal escapes are UTF-8 bytes. */
export function unquoteGitPath(raw: string): string {
  // Git appends a tab to names that contain a space, quoted or not, for the benefit of patch(1).
  const name = raw.endsWith('\t') ? raw.slice(0, -1) : raw;
  if (!name.startsWith('"') || !name.endsWith('"') || name.length < 2) return name;
  const bytes: number[] = [];
  const simple: Record<string, number> = { a: 7, b: 8, t: 9, n: 10, v: 11, f: 12, r: 13, '"': 34, '\\': 92 };
  const body = name.slice(1, -1);
  for (let i = 0; i < body.length; i++) {
    const char = body[i]!;
    if (char !== '\\') {
      bytes.push(...Buffer.from(char, 'utf8'));
      continue;
    }
    const next = body[i + 1] ?? '';
    const octal = /^[0-7]{3}/.exec(body.slice(i + 1, i + 4));
    if (octal) {
      bytes.push(parseInt(octal[0], 8));
      i += 3;
    } else if (next in simple) {
      bytes.push(simple[next]!);
      i += 1;
    } else {
      bytes.push(92);
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/**
 * Turns `git diff -U0` / `git log -p -U0` output, line by line, into one source per file (per
 * commit) holding only the added lines. Hunk bodies are recognised by their first character, not
 * by the counts in the hunk header, because combined diffs (merges, conflicts) have per-parent
 * counts; a header line never starts with '+', '-', ' ' or '\' once a hunk has begun.
 */
export class PatchParser {
  private info: CommitInfo | undefined;
  private path: string | undefined;
  private lines: string[] = [];
  private numbers: number[] = [];
  private inHunk = false;
  /** Parents in a combined diff (`@@@` has two); 1 for an ordinary diff. */
  private parents = 1;
  private nextLine = 0;

  /** Returns the source of a file that this line completed, if any. */
  feed(line: string): ScanSource | undefined {
    if (this.inHunk) {
      const first = line.charCodeAt(0);
      // '+', '-', ' ', '\'
      if (first === 43 || first === 45 || first === 32 || first === 92) {
        this.hunkLine(line);
        return undefined;
      }
      this.inHunk = false;
    }
    if (line.startsWith('\u0000')) {
      const done = this.flush();
      const [, commit = '', name = '', email = '', date = ''] = line.split('\u0000');
      this.info = { commit, author: email ? `${name} <${email}>` : name, date };
      return done;
    }
    if (line.startsWith('diff ')) {
      const done = this.flush();
      this.path = undefined;
      return done;
    }
    if (line.startsWith('+++ ')) {
      const target = unquoteGitPath(line.slice(4));
      // `/dev/null` is a deletion: nothing is added.
      this.path = target.startsWith('b/') ? target.slice(2) : undefined;
    } else if (line.startsWith('@@')) {
      this.hunkHeader(line);
    }
    return undefined;
  }

  /** The last file's source, once the output has ended. */
  end(): ScanSource | undefined {
    return this.flush();
  }

  private hunkHeader(line: string): void {
    let marks = 0;
    while (line[marks] === '@') marks++;
    const closing = line.indexOf(` ${'@'.repeat(marks)}`, marks);
    const ranges = line.slice(marks, closing === -1 ? undefined : closing).trim().split(' ');
    const target = ranges.find((range) => range.startsWith('+'));
    this.parents = Math.max(1, marks - 1);
    this.nextLine = target ? Number.parseInt(target.slice(1), 10) || 1 : 1;
    this.inHunk = true;
  }

  private hunkLine(line: string): void {
    // "\ No newline at end of file" belongs to the line before it.
    if (line.startsWith('\\') || this.path === undefined) return;
    const columns = line.slice(0, this.parents);
    if (columns.includes('-')) return;
    // In a combined diff only a line absent from every parent is new in the merge itself; a
    // line from one side was reported at the commit that added it on that side.
    if (!columns.includes(' ')) {
      this.lines.push(line.slice(this.parents));
      this.numbers.push(this.nextLine);
    }
    this.nextLine++;
  }

  private flush(): ScanSource | undefined {
    const path = this.path;
    const lines = this.lines;
    const numbers = this.numbers;
    this.lines = [];
    this.numbers = [];
    this.inHunk = false;
    if (path === undefined || lines.length === 0) return undefined;
    const source: ScanSource = { path, text: lines.join('\n'), lineOffset: (n) => numbers[n - 1] ?? numbers[numbers.length - 1]! };
    if (this.info) Object.assign(source, this.info);
    return source;
  }
}

function gitFailure(args: readonly string[], detail: string): ScanSourceError {
  const message = detail.trim().split('\n').filter(Boolean).slice(0, 3).join('; ');
  const command = args.find((arg, i) => !arg.startsWith('-') && args[i - 1] !== '-c') ?? '';
  return new ScanSourceError(`git ${command} failed: ${message || 'unknown error'}`);
}

/**
 * Streams a git command's output through the patch parser, so a history of any size is read
 * in constant memory; sources are yielded as each file's patch completes. Stopping early kills git.
 */
async function* patchSources(root: string, args: readonly string[]): AsyncGenerator<ScanSource> {
  const child = spawn('git', args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (data: string) => {
    if (stderr.length < 16_384) stderr += data;
  });
  const exited = new Promise<number | null>((done, fail) => {
    child.once('error', fail);
    child.once('close', (code) => done(code));
  });
  // Observed here so that a spawn failure is not reported as unhandled before we await it.
  exited.catch(() => undefined);
  const parser = new PatchParser();
  let finished = false;
  try {
    let pending: Buffer | undefined;
    for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
      const data = pending ? Buffer.concat([pending, chunk]) : chunk;
      const ready: ScanSource[] = [];
      let start = 0;
      for (let newline = data.indexOf(10); newline !== -1; newline = data.indexOf(10, start)) {
        const source = parser.feed(data.toString('utf8', start, newline));
        if (source) ready.push(source);
        start = newline + 1;
      }
      pending = start < data.length ? data.subarray(start) : undefined;
      yield* ready;
    }
    const last = pending ? parser.feed(pending.toString('utf8')) : undefined;
    if (last) yield last;
    let code: number | null;
    try {
      code = await exited;
    } catch (err) {
      const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
      throw new ScanSourceError(missing ? 'git is not installed or not on PATH' : `cannot run git: ${(err as Error).message}`);
    }
    finished = true;
    if (code !== 0) throw gitFailure(args, stderr);
    const tail = parser.end();
    if (tail) yield tail;
  } finally {
    if (!finished && child.exitCode === null) child.kill();
  }
}

async function gitSucceeds(root: string, args: readonly string[]): Promise<boolean> {
  return new Promise((done) => {
    const child = spawn('git', args, { cwd: root, stdio: 'ignore' });
    child.once('error', () => done(false));
    child.once('close', (code) => done(code === 0));
  });
}

/** The lines the next commit would add: the index against HEAD (or against nothing before the first commit). */
export function stagedChanges(root: string): AsyncGenerator<ScanSource> {
  return patchSources(root, ['diff', '--cached', ...DIFF_ARGS, '--']);
}

/** The lines edited in the working tree but not yet staged. Untracked files are not part of a diff. */
export function unstagedChanges(root: string): AsyncGenerator<ScanSource> {
  return patchSources(root, ['diff', ...DIFF_ARGS, '--']);
}

/**
 * The lines every commit added, newest first, each tagged with its commit, author and date.
 * Every commit is visited, side branches included (no --first-parent), so a secret is reported
 * at the commit that introduced it. Merges are shown as dense combined diffs (--cc), which keep
 * only lines new relative to every parent: what a conflict resolution (an "evil merge") added.
 * Files deleted later are covered because the commit that added them is visited.
 */
export async function* history(root: string, options: HistoryOptions = {}): AsyncGenerator<ScanSource> {
  const range = options.range?.trim();
  if (range !== undefined && range === '') throw new ScanSourceError('--git needs a revision range, e.g. HEAD~5..HEAD');
  // A leading dash would be read by git as an option (e.g. --output=FILE).
  if (range?.startsWith('-')) throw new ScanSourceError(`--git: "${range}" is not a revision range`);
  if (!range && !options.all && !(await gitSucceeds(root, ['rev-parse', '--verify', '--quiet', 'HEAD']))) return;
  const args = [
    // A signature check would print into the log output; the root commit is skipped by log.showRoot=false.
    '-c',
    'log.showSignature=false',
    'log',
    '-p',
    '--cc',
    '--root',
    ...DIFF_ARGS,
    COMMIT_FORMAT,
    ...(options.all ? ['--all'] : []),
    ...(range ? ['--end-of-options', range] : options.all ? [] : ['HEAD']),
    '--',
  ];
  yield* patchSources(root, args);
}

/** The text of a regular file, or undefined when it is gone, too large or binary (a NUL in its first 8 KiB). */
function readText(fullPath: string): string | undefined {
  let stats: Stats | undefined;
  try {
    stats = lstatSync(fullPath, { throwIfNoEntry: false });
    if (!stats?.isFile() || stats.size > MAX_FILE_BYTES) return undefined;
    const buffer = Buffer.allocUnsafe(stats.size);
    const fd = openSync(fullPath, 'r');
    let length = 0;
    try {
      for (let n = 1; n > 0 && length < buffer.length; length += n) n = readSync(fd, buffer, length, buffer.length - length, length);
    } finally {
      closeSync(fd);
    }
    const content = buffer.subarray(0, length);
    if (content.subarray(0, BINARY_PROBE_BYTES).includes(0)) return undefined;
    return content.toString('utf8');
  } catch {
    return undefined;
  }
}

interface Target {
  /** Root-relative with forward slashes; '' for the root itself. */
  path: string;
  directory: boolean;
}

function resolveTargets(realRoot: string, paths: readonly string[]): Target[] {
  return paths.map((given) => {
    const absolute = resolve(realRoot, given);
    let real: string;
    try {
      real = realpathSync(absolute);
    } catch {
      throw new ScanSourceError(`${given}: no such file or directory`);
    }
    const rel = relative(realRoot, real);
    if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
      throw new ScanSourceError(`${given}: outside the repository root ${realRoot}`);
    }
    const stats = lstatSync(real);
    return { path: rel.split(sep).join('/'), directory: stats.isDirectory() };
  });
}

/** Why the walker left a file out that the scanner still reads: credential files are the point of a scan. */
const SCANNED_DESPITE = new Set(['secret', 'lockfile', 'generated', 'minified']);

/**
 * Files in the working tree: the whole repository, or the given files and directories (absolute,
 * or relative to `root`; they must lie inside it). Directories honour .gitignore and
 * .inlineignore; a file named explicitly is read even when ignored, since the user asked for it.
 * `.env` files, keys and lockfiles are included; binaries and files over 1 MiB are skipped.
 */
export async function* workingTree(root: string, git: boolean, paths?: readonly string[]): AsyncGenerator<ScanSource> {
  let realRoot: string;
  try {
    realRoot = realpathSync(root);
  } catch {
    throw new ScanSourceError(`${root}: no such directory`);
  }
  const targets = paths && paths.length > 0 ? resolveTargets(realRoot, paths) : [{ path: '', directory: true }];
  const seen = new Set<string>();
  const directories = targets.filter((t) => t.directory);
  for (const target of targets.filter((t) => !t.directory)) {
    if (seen.has(target.path)) continue;
    seen.add(target.path);
    const text = readText(resolve(realRoot, target.path));
    if (text !== undefined) yield { path: target.path, text };
  }
  if (directories.length === 0) return;
  // Loaded here so that diff scans (the pre-commit hook) never pay for the walker's imports.
  const { walkRepository } = await import('../index/walk.js');
  const walked = await walkRepository({ root: realRoot, git });
  const candidates = [...walked.files.map((f) => f.path), ...walked.skipped.filter((s) => SCANNED_DESPITE.has(s.reason)).map((s) => s.path)].sort();
  const within = (path: string) => directories.some((d) => d.path === '' || path === d.path || path.startsWith(`${d.path}/`));
  for (const path of candidates) {
    if (seen.has(path) || !within(path)) continue;
    seen.add(path);
    const text = readText(resolve(realRoot, path));
    if (text !== undefined) yield { path, text };
  }
}

/** All of standard input as one source. */
export async function* stdinText(stream: NodeJS.ReadableStream = process.stdin, path = '<stdin>'): AsyncGenerator<ScanSource> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  yield { path, text: Buffer.concat(chunks).toString('utf8') };
}
