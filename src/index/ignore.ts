/**
 * A gitignore-syntax matcher for `.gitignore` outside git and `.inlineignore` everywhere. Git's
 * own semantics are the reference: https://git-scm.com/docs/gitignore#_pattern_format
 */
import { wildcardSource } from './glob.js';

interface Rule {
  regex: RegExp;
  negated: boolean;
  directoryOnly: boolean;
  /** Patterns without an inner `/` match the basename at any depth below the file's directory. */
  basename: boolean;
}

function isEscaped(line: string, index: number): boolean {
  let backslashes = 0;
  for (let i = index - 1; i >= 0 && line[i] === '\\'; i--) backslashes++;
  return backslashes % 2 === 1;
}

function parseRule(raw: string): Rule | undefined {
  let line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
  if (line === '' || line.startsWith('#')) return undefined;
  let end = line.length;
  while (end > 0 && line[end - 1] === ' ' && !isEscaped(line, end - 1)) end--;
  line = line.slice(0, end);
  let negated = false;
  if (line.startsWith('!')) {
    negated = true;
    line = line.slice(1);
  }
  let directoryOnly = false;
  if (line.endsWith('/') && !isEscaped(line, line.length - 1)) {
    directoryOnly = true;
    line = line.slice(0, -1);
  }
  if (line === '') return undefined;
  const anchored = line.includes('/');
  if (line.startsWith('/')) line = line.slice(1);
  if (line === '') return undefined;
  return { regex: new RegExp(`^${wildcardSource(line)}$`), negated, directoryOnly, basename: !anchored };
}

function normalizeDir(dir: string): string {
  let out = dir.replaceAll('\\', '/');
  while (out.startsWith('./')) out = out.slice(2);
  while (out.endsWith('/')) out = out.slice(0, -1);
  return out === '.' ? '' : out;
}

/** The rules of one ignore file. */
export class IgnoreRules {
  private constructor(
    /** Repository-relative directory holding the file; '' for the root. */
    readonly baseDir: string,
    private readonly rules: readonly Rule[],
  ) {}

  static parse(text: string, baseDir: string): IgnoreRules {
    const rules: Rule[] = [];
    for (const line of text.split('\n')) {
      const rule = parseRule(line);
      if (rule) rules.push(rule);
    }
    return new IgnoreRules(normalizeDir(baseDir), rules);
  }

  get isEmpty(): boolean {
    return this.rules.length === 0;
  }

  /**
   * Whether the last rule matching `path` (repository-relative) excludes it; undefined when no rule
   * matches or the path is outside this file's directory. Only the path itself is tested: callers
   * that need "inside an excluded directory" test the directories on the way down.
   */
  ignores(path: string, isDirectory: boolean): boolean | undefined {
    let relative = path;
    if (this.baseDir !== '') {
      if (!path.startsWith(this.baseDir) || path[this.baseDir.length] !== '/') return undefined;
      relative = path.slice(this.baseDir.length + 1);
    }
    if (relative === '') return undefined;
    const name = relative.slice(relative.lastIndexOf('/') + 1);
    for (let i = this.rules.length - 1; i >= 0; i--) {
      const rule = this.rules[i]!;
      if (rule.directoryOnly && !isDirectory) continue;
      if (rule.regex.test(rule.basename ? name : relative)) return !rule.negated;
    }
    return undefined;
  }
}

/**
 * The ignore files in effect for one directory, from the root down. Immutable, so a tree walk can
 * hand each subdirectory its own extended stack without copying.
 */
export class IgnoreStack {
  static readonly EMPTY = new IgnoreStack([]);

  private constructor(private readonly levels: readonly IgnoreRules[]) {}

  /** This stack with `rules` on top (deeper or later than everything already in it). */
  with(...rules: (IgnoreRules | undefined)[]): IgnoreStack {
    const added = rules.filter((r): r is IgnoreRules => r !== undefined && !r.isEmpty);
    return added.length === 0 ? this : new IgnoreStack([...this.levels, ...added]);
  }

  get isEmpty(): boolean {
    return this.levels.length === 0;
  }

  /** The top-most file with a matching rule decides; no match means not ignored. */
  ignores(path: string, isDirectory: boolean): boolean {
    for (let i = this.levels.length - 1; i >= 0; i--) {
      const verdict = this.levels[i]!.ignores(path, isDirectory);
      if (verdict !== undefined) return verdict;
    }
    return false;
  }
}
