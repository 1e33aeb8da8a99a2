/**
 * The files the code index reads: git's view of the repository (tracked plus untracked but not
 * ignored) or, outside git, a walk that applies `.gitignore` files itself; `.inlineignore` files
 * apply in both cases. Files that would only add noise or leak secrets are reported, not read.
 */
import { execFile } from 'node:child_process';
import { closeSync, constants, lstatSync, openSync, readdirSync, readFileSync, readSync, type Dirent, type Stats } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { languageForPath, type LanguageId } from '../context/languages.js';
import { IgnoreRules, IgnoreStack } from './ignore.js';

export type SkipReason = 'binary' | 'too-large' | 'generated' | 'minified' | 'lockfile' | 'secret' | 'ignored' | 'unreadable';

export interface WalkedFile {
  /** Repository-relative, forward slashes. */
  path: string;
  size: number;
  mtimeMs: number;
  language?: LanguageId;
}

export interface SkippedFile {
  path: string;
  reason: SkipReason;
}

export interface WalkOptions {
  root: string;
  /** List through `git ls-files`; falls back to a plain walk when `root` is not in a repository. */
  git: boolean;
  /** Default 1 MiB. */
  maxFileBytes?: number;
}

export interface WalkResult {
  files: WalkedFile[];
  skipped: SkippedFile[];
}

const run = promisify(execFile);

const HEAD_BYTES = 8192;
const MARKER_BYTES = 1024;
const DEFAULT_MAX_FILE_BYTES = 1024 * 1024;
/** Walking is synchronous for speed (a few syscalls per file); this often, it lets the event loop breathe. */
const YIELD_EVERY = 2048;

const ALWAYS_SKIPPED_DIRECTORIES = new Set(['.git', 'node_modules', '.inline']);
const IGNORE_FILES = ['.gitignore', '.inlineignore'] as const;

const BINARY_EXTENSIONS = new Set(
  (
    'png jpg jpeg gif bmp tif tiff webp ico icns psd heic avif ' +
    'pdf doc docx xls xlsx ppt pptx odt ods odp ' +
    'zip gz tgz bz2 xz zst 7z rar tar jar war ear whl egg apk ipa dmg iso deb rpm ' +
    'class so dylib dll exe o a lib obj pyc pyo pyd node wasm bin dat ' +
    'woff woff2 ttf otf eot ' +
    'mp3 mp4 m4a wav ogg flac aac avi mov mkv webm ' +
    'sqlite sqlite3 db npy npz pkl parquet onnx gguf safetensors pt pth ckpt'
  ).split(' '),
);

const LOCKFILES = new Set([
  'package-lock.json',
  'npm-shrinkwrap.json',
  'yarn.lock',
  'pnpm-lock.yaml',
  'bun.lockb',
  'bun.lock',
  'Cargo.lock',
  'poetry.lock',
  'Pipfile.lock',
  'uv.lock',
  'Gemfile.lock',
  'composer.lock',
  'go.sum',
  'flake.lock',
  'packages.lock.json',
]);

const GENERATED_SUFFIXES = ['.pb.go', '.pb.h', '.pb.cc', '_pb2.py', '_pb2.pyi', '_pb2_grpc.py', '.g.dart', '.freezed.dart', '.designer.cs'];
// Upper-case DO NOT EDIT only: a lower-case "do not edit" is as likely an ordinary comment. Release
// tools mark a single version line the same way (`DO NOT EDIT THIS LINE`) in hand-written files.
const GENERATED_MARKER = /@generated|DO NOT EDIT(?! THIS LINE)|[Aa]uto-?[Gg]enerated|AUTO-?GENERATED/;
const MINIFIED_NAME = /\.min\.(?:js|mjs|cjs|css)$/;
const MINIFIABLE_EXTENSIONS = new Set(['js', 'mjs', 'cjs', 'css']);

const SECRET_NAMES = new Set(['.npmrc', '.pypirc', '.netrc', '.htpasswd', 'credentials', '.git-credentials', 'secrets.yml', 'secrets.yaml', 'id_rsa', 'id_dsa', 'id_ecdsa', 'id_ed25519']);
const SECRET_EXTENSIONS = new Set(['pem', 'key', 'p12', 'pfx', 'jks', 'keystore', 'kdbx', 'tfstate']);
const ENV_TEMPLATES = new Set(['.env.example', '.env.sample', '.env.template']);

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot <= 0 ? '' : name.slice(dot + 1).toLowerCase();
}

/** Whether a path names a file that typically holds credentials; such files are never opened. */
export function isSecretPath(path: string): boolean {
  // Lower-cased so a case-insensitive file system cannot smuggle `.ENV` past the check.
  const name = baseName(path).toLowerCase();
  if (name === '.env') return true;
  if (name.startsWith('.env.')) return !ENV_TEMPLATES.has(name);
  if (SECRET_NAMES.has(name)) return true;
  // Terraform keeps the previous state next to the current one, with the same secrets.
  if (name.endsWith('.tfstate.backup')) return true;
  return SECRET_EXTENSIONS.has(extensionOf(name));
}

function reasonFromName(path: string): SkipReason | undefined {
  const name = baseName(path);
  if (isSecretPath(path)) return 'secret';
  if (LOCKFILES.has(name)) return 'lockfile';
  const lower = name.toLowerCase();
  if (BINARY_EXTENSIONS.has(extensionOf(lower))) return 'binary';
  if (GENERATED_SUFFIXES.some((suffix) => lower.endsWith(suffix))) return 'generated';
  if (MINIFIED_NAME.test(lower)) return 'minified';
  return undefined;
}

/** Minified code shows as very long lines; measured in bytes, which is close enough. */
function looksMinified(head: Buffer, size: number): boolean {
  const truncated = size > head.length;
  let lines = 0;
  let measured = 0;
  let lineStart = 0;
  for (let i = head.indexOf(10); i !== -1; i = head.indexOf(10, lineStart)) {
    if (i - lineStart > 2000) return true;
    lines++;
    measured += i - lineStart;
    lineStart = i + 1;
  }
  const tail = head.length - lineStart;
  if (tail > 2000) return true;
  // A cut-off last line would understate its length; only a complete one is averaged in.
  if (!truncated && tail > 0) {
    lines++;
    measured += tail;
  }
  return lines > 0 && measured / lines > 300;
}

/**
 * Why a file should not be indexed, judged from its name and its first bytes (`head`, normally the
 * first 8 KiB) plus its full size: 'binary', 'generated' or 'minified'; undefined to keep it.
 */
export function classifyContent(path: string, head: Buffer, size: number): SkipReason | undefined {
  const byName = reasonFromName(path);
  if (byName === 'binary' || byName === 'generated' || byName === 'minified') return byName;
  const sample = head.length > HEAD_BYTES ? head.subarray(0, HEAD_BYTES) : head;
  if (sample.includes(0)) return 'binary';
  if (GENERATED_MARKER.test(sample.subarray(0, MARKER_BYTES).toString('latin1'))) return 'generated';
  if (MINIFIABLE_EXTENSIONS.has(extensionOf(baseName(path))) && looksMinified(sample, size)) return 'minified';
  return undefined;
}

class Collector {
  readonly files: WalkedFile[] = [];
  readonly skipped: SkippedFile[] = [];
  private readonly head = Buffer.allocUnsafe(HEAD_BYTES);
  private sinceYield = 0;

  constructor(
    private readonly root: string,
    private readonly maxFileBytes: number,
  ) {}

  skip(path: string, reason: SkipReason): void {
    this.skipped.push({ path, reason });
  }

  /** Records one candidate as a file or a skip; silently drops what is not a regular file. */
  inspect(path: string): void {
    const full = join(this.root, path);
    let stats: Stats | undefined;
    try {
      stats = lstatSync(full, { throwIfNoEntry: false });
    } catch {
      this.skip(path, 'unreadable');
      return;
    }
    // Gone from the working tree, a symlink (never followed) or a submodule directory.
    if (!stats?.isFile()) return;
    const byName = reasonFromName(path);
    if (byName) {
      this.skip(path, byName);
      return;
    }
    if (stats.size > this.maxFileBytes) {
      this.skip(path, 'too-large');
      return;
    }
    let head: Buffer;
    try {
      head = this.readHead(full);
    } catch {
      this.skip(path, 'unreadable');
      return;
    }
    const reason = classifyContent(path, head, stats.size);
    if (reason) {
      this.skip(path, reason);
      return;
    }
    const language = languageForPath(path);
    this.files.push(language ? { path, size: stats.size, mtimeMs: stats.mtimeMs, language } : { path, size: stats.size, mtimeMs: stats.mtimeMs });
  }

  /** Resolves after every YIELD_EVERY calls, so a long walk does not freeze a UI for its whole duration. */
  async pace(): Promise<void> {
    if (++this.sinceYield < YIELD_EVERY) return;
    this.sinceYield = 0;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }

  private readHead(full: string): Buffer {
    // O_NOFOLLOW closes the gap between lstat and open in which the file could become a symlink.
    const fd = openSync(full, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
    try {
      let length = 0;
      while (length < HEAD_BYTES) {
        const n = readSync(fd, this.head, length, HEAD_BYTES - length, length);
        if (n === 0) break;
        length += n;
      }
      return this.head.subarray(0, length);
    } finally {
      closeSync(fd);
    }
  }

  result(): WalkResult {
    const byPath = (a: { path: string }, b: { path: string }) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
    return { files: this.files.sort(byPath), skipped: this.skipped.sort(byPath) };
  }
}

function readRules(root: string, dir: string, file: string): IgnoreRules | undefined {
  try {
    return IgnoreRules.parse(readFileSync(join(root, dir, file), 'utf8'), dir);
  } catch {
    return undefined;
  }
}

async function gitPaths(root: string): Promise<string[] | undefined> {
  const args = ['ls-files', '-z', '--cached', '--others', '--exclude-standard'];
  // Untracked dependency trees and our own state are never worth listing, ignored or not.
  for (const dir of ALWAYS_SKIPPED_DIRECTORIES) args.push(`--exclude=${dir}/`);
  try {
    const { stdout } = await run('git', args, { cwd: root, maxBuffer: 1024 * 1024 * 1024, encoding: 'utf8' });
    // Unmerged paths appear once per stage; untracked nested repositories appear as `dir/`.
    return [...new Set(stdout.split('\0'))].filter((p) => p !== '' && !p.endsWith('/'));
  } catch {
    return undefined;
  }
}

/**
 * A test for `.inlineignore` over git's list. Git does not know these files, so every directory
 * on the way to a path is checked, as git itself would when deciding whether to descend.
 */
function inlineIgnoreFilter(root: string, paths: readonly string[]): ((path: string) => boolean) | undefined {
  const directories = new Set<string>(['']);
  for (const path of paths) {
    for (let slash = path.lastIndexOf('/'); slash > 0; slash = path.lastIndexOf('/', slash - 1)) {
      const dir = path.slice(0, slash);
      if (directories.has(dir)) break;
      directories.add(dir);
    }
  }
  // Checked on disk rather than in git's list, so an .inlineignore that is itself gitignored still counts.
  const rules = new Map<string, IgnoreRules>();
  for (const dir of directories) {
    const stats = lstatSync(join(root, dir, '.inlineignore'), { throwIfNoEntry: false });
    const parsed = stats?.isFile() ? readRules(root, dir, '.inlineignore') : undefined;
    if (parsed && !parsed.isEmpty) rules.set(dir, parsed);
  }
  if (rules.size === 0) return undefined;

  const states = new Map<string, { ignored: boolean; stack: IgnoreStack }>();
  const stateOf = (dir: string): { ignored: boolean; stack: IgnoreStack } => {
    let state = states.get(dir);
    if (state) return state;
    if (dir === '') {
      state = { ignored: false, stack: IgnoreStack.EMPTY.with(rules.get('')) };
    } else {
      const slash = dir.lastIndexOf('/');
      const parent = stateOf(slash === -1 ? '' : dir.slice(0, slash));
      const ignored = parent.ignored || parent.stack.ignores(dir, true);
      state = { ignored, stack: ignored ? parent.stack : parent.stack.with(rules.get(dir)) };
    }
    states.set(dir, state);
    return state;
  };
  return (path) => {
    const slash = path.lastIndexOf('/');
    const state = stateOf(slash === -1 ? '' : path.slice(0, slash));
    return state.ignored || state.stack.ignores(path, false);
  };
}

async function walkGit(collector: Collector, root: string, paths: string[]): Promise<void> {
  const ignored = inlineIgnoreFilter(root, paths);
  for (const path of paths) {
    if (ignored?.(path)) {
      collector.skip(path, 'ignored');
      continue;
    }
    collector.inspect(path);
    await collector.pace();
  }
}

async function walkTree(collector: Collector, root: string, dir: string, parentStack: IgnoreStack): Promise<void> {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir === '' ? root : join(root, dir), { withFileTypes: true });
  } catch (error) {
    if (dir === '') throw error;
    collector.skip(dir, 'unreadable');
    return;
  }
  const present = new Set(entries.filter((e) => e.isFile()).map((e) => e.name));
  // Within one directory .inlineignore comes after .gitignore, so its rules win on conflict.
  const stack = parentStack.with(...IGNORE_FILES.map((file) => (present.has(file) ? readRules(root, dir, file) : undefined)));
  for (const entry of entries) {
    const path = dir === '' ? entry.name : `${dir}/${entry.name}`;
    if (entry.isDirectory()) {
      if (ALWAYS_SKIPPED_DIRECTORIES.has(entry.name) || stack.ignores(path, true)) continue;
      await walkTree(collector, root, path, stack);
    } else if (entry.isFile()) {
      if (stack.ignores(path, false)) continue;
      collector.inspect(path);
      await collector.pace();
    }
  }
}

export async function walkRepository(options: WalkOptions): Promise<WalkResult> {
  const collector = new Collector(options.root, options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES);
  const paths = options.git ? await gitPaths(options.root) : undefined;
  if (paths) await walkGit(collector, options.root, paths);
  else await walkTree(collector, options.root, '', IgnoreStack.EMPTY);
  return collector.result();
}
