/**
 * The project files that steer TS/JS module resolution: tsconfig/jsconfig `baseUrl` and `paths`
 * (with their `extends` chain) and the package.json files of workspace packages.
 */
import { dirname, joinPath, type RepoIndex } from './shared.js';

/**
 * JSON with comments and trailing commas, as tsconfig files are written. Strings are copied
 * verbatim so that `"@app/*"` or URLs with `//` survive.
 */
export function parseJsonc(text: string): unknown {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '"') {
      let end = i + 1;
      while (end < text.length && text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      out += text.slice(i, end + 1);
      i = end + 1;
    } else if (ch === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (ch === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 2;
    } else {
      out += ch;
      i++;
    }
  }
  try {
    return JSON.parse(out.replace(/,(\s*[}\]])/g, '$1'));
  } catch {
    return undefined;
  }
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export interface PathMapping {
  prefix: string;
  suffix: string;
  wildcard: boolean;
  targets: string[];
}

export interface PathConfig {
  /** Repository-relative directory, when the config sets one. */
  baseUrl?: string;
  /** What `paths` targets are relative to: baseUrl when set, else the directory of the config that declares them. */
  pathsBase: string;
  paths: PathMapping[];
}

interface LoadedConfig {
  baseUrl?: string;
  paths?: PathMapping[];
  pathsBase?: string;
}

function mappings(paths: Json): PathMapping[] {
  const out: PathMapping[] = [];
  for (const [pattern, targets] of Object.entries(paths)) {
    if (!Array.isArray(targets)) continue;
    const star = pattern.indexOf('*');
    out.push({
      prefix: star < 0 ? pattern : pattern.slice(0, star),
      suffix: star < 0 ? '' : pattern.slice(star + 1),
      wildcard: star >= 0,
      targets: targets.filter((target): target is string => typeof target === 'string'),
    });
  }
  return out;
}

function loadConfig(index: RepoIndex, path: string, depth: number): LoadedConfig {
  return index.memo(`js:tsconfig:${path}`, () => {
    const json = parseJsonc(index.read(path) ?? '');
    if (!isObject(json) || depth > 8) return {};
    const dir = dirname(path);
    let inherited: LoadedConfig = {};
    const extendsList = typeof json.extends === 'string' ? [json.extends] : Array.isArray(json.extends) ? json.extends : [];
    for (const entry of extendsList) {
      // Configs published as packages live in node_modules, which is outside the file set.
      if (typeof entry !== 'string' || !entry.startsWith('.')) continue;
      let parent = joinPath(dir, entry);
      if (parent === undefined) continue;
      if (!index.has(parent) && !parent.endsWith('.json')) parent = `${parent}.json`;
      if (!index.has(parent)) continue;
      // With an array of bases, later entries override earlier ones.
      const loaded = loadConfig(index, parent, depth + 1);
      inherited = {
        baseUrl: loaded.baseUrl ?? inherited.baseUrl,
        paths: loaded.paths ?? inherited.paths,
        pathsBase: loaded.paths ? loaded.pathsBase : inherited.pathsBase,
      };
    }
    const options = isObject(json.compilerOptions) ? json.compilerOptions : {};
    const own: LoadedConfig = { ...inherited };
    if (typeof options.baseUrl === 'string') own.baseUrl = joinPath(dir, options.baseUrl);
    if (isObject(options.paths)) {
      own.paths = mappings(options.paths);
      own.pathsBase = dir;
    }
    return own;
  });
}

/** The nearest tsconfig.json (or jsconfig.json) above `fromPath`, flattened through `extends`. */
export function configFor(index: RepoIndex, fromPath: string): PathConfig | undefined {
  const dir = dirname(fromPath);
  return index.memo(`js:config-for:${dir}`, () => {
    for (let at = dir; ; at = dirname(at)) {
      for (const name of ['tsconfig.json', 'jsconfig.json']) {
        const path = at === '' ? name : `${at}/${name}`;
        if (!index.has(path)) continue;
        const loaded = loadConfig(index, path, 0);
        if (loaded.baseUrl === undefined && !loaded.paths) return undefined;
        return { baseUrl: loaded.baseUrl, pathsBase: loaded.baseUrl ?? loaded.pathsBase ?? at, paths: loaded.paths ?? [] };
      }
      if (at === '') return undefined;
    }
  });
}

/** Candidate paths for a bare specifier under `paths`: an exact pattern wins, else the longest prefix. */
export function mappedPaths(config: PathConfig, specifier: string): string[] {
  let best: PathMapping | undefined;
  for (const mapping of config.paths) {
    if (!mapping.wildcard) {
      if (mapping.prefix === specifier) {
        best = mapping;
        break;
      }
      continue;
    }
    const fits = specifier.length >= mapping.prefix.length + mapping.suffix.length && specifier.startsWith(mapping.prefix) && specifier.endsWith(mapping.suffix);
    if (fits && (!best || mapping.prefix.length > best.prefix.length)) best = mapping;
  }
  if (!best) return [];
  const captured = best.wildcard ? specifier.slice(best.prefix.length, specifier.length - best.suffix.length) : '';
  const out: string[] = [];
  for (const target of best.targets) {
    const path = joinPath(config.pathsBase, target.replace('*', captured));
    if (path !== undefined) out.push(path);
  }
  return out;
}

export interface WorkspacePackage {
  dir: string;
  json: Json;
  subpath: string;
}

/** The repository's own package that a bare specifier names, e.g. '@acme/ui/button' → ('packages/ui', 'button'). */
export function workspacePackage(index: RepoIndex, specifier: string): WorkspacePackage | undefined {
  const packages = index.memo('js:packages', () => {
    const byName = new Map<string, { dir: string; json: Json }>();
    for (const path of index.withBasename('package.json')) {
      if (path.includes('node_modules/')) continue;
      const json = parseJsonc(index.read(path) ?? '');
      if (isObject(json) && typeof json.name === 'string' && !byName.has(json.name)) byName.set(json.name, { dir: dirname(path), json });
    }
    return byName;
  });
  if (packages.size === 0) return undefined;
  const parts = specifier.split('/');
  // Scoped names take two segments; try the longer name first.
  for (const length of [2, 1]) {
    const name = parts.slice(0, length).join('/');
    const found = packages.get(name);
    if (found) return { ...found, subpath: parts.slice(length).join('/') };
  }
  return undefined;
}

const CONDITIONS = ['types', 'source', 'import', 'module', 'default', 'require', 'node'];

function conditionTargets(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(conditionTargets);
  if (!isObject(value)) return [];
  const keys = [...CONDITIONS.filter((key) => key in value), ...Object.keys(value).filter((key) => !CONDITIONS.includes(key))];
  return keys.flatMap((key) => conditionTargets(value[key]));
}

/** Files a package points at for `subpath` ('' for the package itself), most source-like first. */
export function packageTargets(pkg: WorkspacePackage): string[] {
  const key = pkg.subpath === '' ? '.' : `./${pkg.subpath}`;
  const exports = pkg.json.exports;
  const out: string[] = [];
  if (typeof exports === 'string' || Array.isArray(exports)) {
    if (key === '.') out.push(...conditionTargets(exports));
  } else if (isObject(exports)) {
    const isSubpathMap = Object.keys(exports).some((entry) => entry.startsWith('.'));
    if (!isSubpathMap) {
      if (key === '.') out.push(...conditionTargets(exports));
    } else if (key in exports) {
      out.push(...conditionTargets(exports[key]));
    } else {
      for (const [pattern, value] of Object.entries(exports)) {
        const star = pattern.indexOf('*');
        if (star < 0) continue;
        const prefix = pattern.slice(0, star);
        const suffix = pattern.slice(star + 1);
        if (key.startsWith(prefix) && key.endsWith(suffix) && key.length >= prefix.length + suffix.length) {
          const captured = key.slice(prefix.length, key.length - suffix.length);
          out.push(...conditionTargets(value).map((target) => target.replace('*', captured)));
        }
      }
    }
  }
  if (key === '.') {
    for (const field of ['types', 'typings', 'source', 'module', 'main']) {
      const value = pkg.json[field];
      if (typeof value === 'string') out.push(value);
    }
  }
  return out;
}
