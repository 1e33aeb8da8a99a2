/**
 * Glob patterns over repository-relative paths: the search filter syntax (`src/**`, `*.py`,
 * `{a,b}`), and the wildcard translation that the ignore-file matcher shares with it.
 */

const REGEXP_SPECIAL = /[.*+?^${}()|[\]\\/]/;

// Brace alternatives multiply; a pasted pathological pattern should fail loudly, not hang.
const MAX_ALTERNATIVES = 1024;

const POSIX_CLASSES: Record<string, string> = {
  alnum: 'a-zA-Z0-9',
  alpha: 'a-zA-Z',
  blank: ' \\t',
  cntrl: '\\x00-\\x1f\\x7f',
  digit: '0-9',
  graph: '\\x21-\\x7e',
  lower: 'a-z',
  print: '\\x20-\\x7e',
  punct: '!-\\/:-@\\[-`{-~',
  space: ' \\t\\n\\r\\f\\v',
  upper: 'A-Z',
  xdigit: '0-9a-fA-F',
};

function literal(char: string): string {
  return REGEXP_SPECIAL.test(char) ? `\\${char}` : char;
}

function classLiteral(char: string): string {
  return /[\\\]\[^-]/.test(char) ? `\\${char}` : char;
}

/** Translates `[...]` starting at `start`; undefined when the bracket never closes (then it is a literal `[`). */
function bracketClass(pattern: string, start: number): { source: string; end: number } | undefined {
  let i = start + 1;
  let negated = false;
  if (pattern[i] === '!' || pattern[i] === '^') {
    negated = true;
    i++;
  }
  let body = '';
  let first = true;
  while (i < pattern.length) {
    const char = pattern[i]!;
    if (char === ']' && !first) {
      // A class never matches the separator, as in git's wildmatch with WM_PATHNAME.
      return { source: negated ? `[^/${body}]` : `[${body}]`, end: i };
    }
    first = false;
    if (char === '[' && pattern[i + 1] === ':') {
      const close = pattern.indexOf(':]', i + 2);
      const name = close === -1 ? undefined : pattern.slice(i + 2, close);
      if (name !== undefined && Object.hasOwn(POSIX_CLASSES, name)) {
        body += POSIX_CLASSES[name];
        i = close + 2;
        continue;
      }
    }
    let low = char;
    if (char === '\\' && i + 1 < pattern.length) low = pattern[++i]!;
    i++;
    if (pattern[i] === '-' && i + 1 < pattern.length && pattern[i + 1] !== ']') {
      let high = pattern[i + 1]!;
      i += 2;
      if (high === '\\' && i < pattern.length) high = pattern[i++]!;
      // A reversed range matches nothing in git; a JS RegExp would throw instead.
      if (low <= high) body += `${classLiteral(low)}-${classLiteral(high)}`;
      continue;
    }
    body += classLiteral(low);
  }
  return undefined;
}

/**
 * RegExp source (unanchored) for one wildcard pattern with gitignore's rules: `*` and `?` stay
 * within a segment, a whole-segment `**` spans any number of directories (zero included), and a
 * backslash makes the next character literal. Braces are not special here.
 */
export function wildcardSource(pattern: string): string {
  let out = '';
  let i = 0;
  while (i < pattern.length) {
    const char = pattern[i]!;
    if (char === '*') {
      let end = i;
      while (pattern[end] === '*') end++;
      const startsSegment = i === 0 || pattern[i - 1] === '/';
      const endsSegment = end === pattern.length || pattern[end] === '/';
      if (end - i >= 2 && startsSegment && endsSegment) {
        if (end === pattern.length) {
          out += '.*';
        } else {
          out += '(?:[^/]*/)*';
          end++;
        }
      } else {
        out += '[^/]*';
      }
      i = end;
    } else if (char === '?') {
      out += '[^/]';
      i++;
    } else if (char === '[') {
      const bracket = bracketClass(pattern, i);
      if (bracket) {
        out += bracket.source;
        i = bracket.end + 1;
      } else {
        out += '\\[';
        i++;
      }
    } else if (char === '\\' && i + 1 < pattern.length) {
      out += literal(pattern[i + 1]!);
      i += 2;
    } else {
      out += literal(char);
      i++;
    }
  }
  return out;
}

/** The first `{...}` with a top-level comma, split into its alternatives. */
function firstBraceGroup(glob: string): { start: number; end: number; alternatives: string[] } | undefined {
  for (let start = 0; start < glob.length; start++) {
    if (glob[start] === '\\') {
      start++;
      continue;
    }
    if (glob[start] !== '{') continue;
    const alternatives: string[] = [];
    let depth = 0;
    let from = start + 1;
    for (let i = start + 1; i < glob.length; i++) {
      const char = glob[i];
      if (char === '\\') {
        i++;
      } else if (char === '{') {
        depth++;
      } else if (char === '}' && depth > 0) {
        depth--;
      } else if (char === ',' && depth === 0) {
        alternatives.push(glob.slice(from, i));
        from = i + 1;
      } else if (char === '}') {
        // `{a}` without a comma stays literal, as in the shell.
        if (alternatives.length === 0) break;
        alternatives.push(glob.slice(from, i));
        return { start, end: i, alternatives };
      }
    }
  }
  return undefined;
}

export function expandBraces(glob: string): string[] {
  const group = firstBraceGroup(glob);
  if (!group) return [glob];
  const prefix = glob.slice(0, group.start);
  const rests = expandBraces(glob.slice(group.end + 1));
  const out: string[] = [];
  for (const alternative of group.alternatives) {
    for (const head of expandBraces(alternative)) {
      for (const rest of rests) {
        out.push(prefix + head + rest);
        if (out.length > MAX_ALTERNATIVES) throw new Error(`glob ${JSON.stringify(glob)} expands to more than ${MAX_ALTERNATIVES} patterns`);
      }
    }
  }
  return out;
}

function hasSeparator(glob: string): boolean {
  for (let i = 0; i < glob.length; i++) {
    if (glob[i] === '\\') i++;
    else if (glob[i] === '/') return true;
  }
  return false;
}

function alternativeSource(glob: string): string {
  let pattern = glob;
  while (pattern.startsWith('./')) pattern = pattern.slice(2);
  // `src/` names a directory; for a filter over file paths that means everything below it.
  if (pattern.endsWith('/')) pattern += '**';
  if (!hasSeparator(pattern)) return `(?:[^/]*/)*${wildcardSource(pattern)}`;
  if (pattern.startsWith('/')) pattern = pattern.slice(1);
  return wildcardSource(pattern);
}

/**
 * A RegExp that tests a whole repository-relative path (forward slashes) against a glob. A glob
 * without `/` matches the basename at any depth; one with `/` is anchored at the repository root.
 */
export function globToRegExp(glob: string): RegExp {
  const sources = expandBraces(glob).map(alternativeSource);
  return new RegExp(`^(?:${sources.join('|')})$`);
}
