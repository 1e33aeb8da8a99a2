/**
 * Follows the repository on disk, whoever changes it (any editor's save, git checkout, a
 * formatter), and hands settled batches of changes to the completion service, which updates the
 * local engine and the code index incrementally.
 */
import { readFile, stat } from 'node:fs/promises';
import { relative, sep } from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import { languageForPath } from '../context/languages.js';

export interface FileChange {
  path: string;
  /** The new text, or undefined when the file is gone. */
  text: string | undefined;
}

const SETTLE_MS = 300;
const MAX_FILE_BYTES = 1024 * 1024;
/** Directories never worth watching: tools' state, dependencies, build output. */
const SKIPPED = new Set(['.git', '.inline', 'node_modules', '.venv', 'venv', '__pycache__', 'dist', 'build', 'target', '.next', '.cache']);

export class RepoWatcher {
  private readonly watcher: FSWatcher;
  private readonly pending = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly root: string,
    private readonly onChanges: (changes: FileChange[]) => Promise<void>,
    private readonly log: (message: string) => void,
  ) {
    this.watcher = watch(root, {
      ignoreInitial: true,
      ignored: (path) => relative(root, path).split(sep).some((part) => SKIPPED.has(part)),
    });
    this.watcher.on('all', (_event, path) => this.note(path));
    this.watcher.on('error', (error) => this.log(`file watcher: ${(error as Error).message}`));
  }

  /** Resolves once the watcher has scanned the tree and reports changes. */
  ready(): Promise<void> {
    return new Promise((resolve) => this.watcher.once('ready', () => resolve()));
  }

  async close(): Promise<void> {
    clearTimeout(this.timer);
    await this.watcher.close();
    await this.flushing;
  }

  private note(absolute: string): void {
    const path = relative(this.root, absolute).split(sep).join('/');
    if (!languageForPath(path)) return;
    this.pending.add(path);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.flushing = this.flushing.then(() => this.flush());
    }, SETTLE_MS);
  }

  private async flush(): Promise<void> {
    const paths = [...this.pending];
    this.pending.clear();
    const changes = await Promise.all(paths.map(async (path) => ({ path, text: await this.read(path) })));
    try {
      await this.onChanges(changes);
    } catch (error) {
      this.log(`re-indexing after a change failed: ${(error as Error).message}`);
    }
  }

  private async read(path: string): Promise<string | undefined> {
    try {
      const file = `${this.root}/${path}`;
      if ((await stat(file)).size > MAX_FILE_BYTES) return undefined;
      const buffer = await readFile(file);
      return buffer.subarray(0, 8192).includes(0) ? undefined : buffer.toString('utf8');
    } catch {
      return undefined;
    }
  }
}
