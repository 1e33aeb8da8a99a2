// Layers settings from defaults, the user file, the project file, the
// environment and flags, validating each value where it was written so that
// errors can name the exact file, variable or flag at fault.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, describeJsonSyntaxError, showValue } from './errors.js';
import {
  SETTINGS,
  fileKeyOf,
  type InlineConfig,
  type ParseContext,
  type SettingDescriptor,
  type SettingPath,
} from './schema.js';
import { editDistance } from '../util/edit-distance.js';

export interface ConfigFlags {
  engine?: string;
  baseUrl?: string[];
  apiKey?: string;
  model?: string;
  fimModel?: string;
  embedModel?: string;
  gguf?: string;
}

export interface LoadConfigOptions {
  root: string;
  flags?: ConfigFlags;
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Directory holding the user's config.json; overrides the XDG lookup (used by tests). */
  userConfigDir?: string;
}

export interface ConfigFileInfo {
  kind: 'project' | 'user';
  path: string;
  exists: boolean;
}

export interface LoadedConfig {
  config: InlineConfig;
  /** Dot-path → where the value came from, e.g. `flag --model`, `env INLINE_MODEL`, `project /abs/.inline/config.json`. */
  sources: Record<string, string>;
  files: ConfigFileInfo[];
  warnings: string[];
}

type Env = Record<string, string | undefined>;

interface Entry {
  value: unknown;
  /** Label reported in `sources`. */
  source: string;
  /** Prefix for error messages: a file path, `env NAME` or `flag --name`. */
  where: string;
}

type Layer = Map<SettingPath, Entry>;

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

function homeDir(env: Env): string {
  return nonEmpty(env.HOME) ?? nonEmpty(env.USERPROFILE) ?? os.homedir();
}

export function userConfigPath(env: Env = process.env): string {
  const xdg = nonEmpty(env.XDG_CONFIG_HOME);
  // The XDG spec says a relative XDG_CONFIG_HOME is invalid and must be ignored.
  const base = xdg !== undefined && path.isAbsolute(xdg) ? xdg : path.join(homeDir(env), '.config');
  return path.join(base, 'inline', 'config.json');
}

export function loadConfig(opts: LoadConfigOptions): LoadedConfig {
  const env = opts.env ?? process.env;
  const cwd = path.resolve(opts.cwd ?? process.cwd());
  const home = homeDir(env);
  const projectPath = path.join(path.resolve(cwd, opts.root), '.inline', 'config.json');
  const userPath =
    opts.userConfigDir !== undefined
      ? path.join(path.resolve(cwd, opts.userConfigDir), 'config.json')
      : userConfigPath(env);
  const warnings: string[] = [];

  const user = readConfigFile(userPath, 'user', home, warnings);
  const project = readConfigFile(projectPath, 'project', home, warnings);
  const cliCtx: ParseContext = { baseDir: cwd, home };

  // Lowest precedence first: each later layer overwrites per key, never per file.
  const resolved: Layer = new Map();
  for (const layer of [user.values, project.values, readEnv(env, cliCtx), readFlags(opts.flags ?? {}, cliCtx)]) {
    for (const [key, entry] of layer) resolved.set(key, entry);
  }

  const lookup = (p: SettingPath): unknown => resolved.get(p)?.value;
  for (const setting of SETTINGS) {
    if (!resolved.has(setting.path) && setting.default !== undefined && !setting.derive) {
      resolved.set(setting.path, { value: setting.default, source: 'default', where: 'default' });
    }
  }
  // Derivations run after defaults so they see every other final value.
  for (const setting of SETTINGS) {
    if (!resolved.has(setting.path) && setting.derive) {
      const { value, source } = setting.derive(lookup);
      resolved.set(setting.path, { value, source, where: source });
    }
  }
  for (const setting of SETTINGS) {
    const entry = resolved.get(setting.path);
    const problem = entry && setting.check?.(entry.value, lookup);
    if (entry && problem) {
      throw new ConfigError(`${problem} ("${fileKeyOf(setting)}" set by ${entry.source})`, {
        file: entry.where,
        key: fileKeyOf(setting),
      });
    }
  }

  const config: Record<string, unknown> = {};
  const sources: Record<string, string> = {};
  for (const setting of SETTINGS) {
    const entry = resolved.get(setting.path);
    if (!entry) continue;
    // Defaults are shared table values; callers get their own copies.
    setPath(config, setting.path, Array.isArray(entry.value) ? [...entry.value] : entry.value);
    sources[setting.path] = entry.source;
  }

  return {
    config: config as unknown as InlineConfig,
    sources,
    files: [
      { kind: 'project', path: projectPath, exists: project.exists },
      { kind: 'user', path: userPath, exists: user.exists },
    ],
    warnings,
  };
}

function setPath(target: Record<string, unknown>, dotPath: string, value: unknown): void {
  const parts = dotPath.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    if (!isPlainObject(node[part])) node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts[parts.length - 1]!] = value;
}

function parseInto(
  layer: Layer,
  setting: SettingDescriptor,
  raw: unknown,
  ctx: ParseContext,
  where: string,
  source: string,
): void {
  const result = setting.parse(raw, ctx);
  if (result.ok) {
    layer.set(setting.path, { value: result.value, source, where });
    return;
  }
  const key = fileKeyOf(setting);
  const expected = result.expected ?? setting.expected;
  const got = showValue('got' in result ? result.got : raw, setting.secret);
  throw new ConfigError(`${where}: "${key}" must be ${expected}, got ${got}`, { file: where, key, expected });
}

function readEnv(env: Env, ctx: ParseContext): Layer {
  const layer: Layer = new Map();
  for (const setting of SETTINGS) {
    for (const name of setting.env ?? []) {
      const raw = nonEmpty(env[name]);
      if (raw === undefined) continue;
      const where = `env ${name}`;
      parseInto(layer, setting, setting.fromString ? setting.fromString(raw) : raw, ctx, where, where);
      break;
    }
  }
  return layer;
}

function readFlags(flags: ConfigFlags, ctx: ParseContext): Layer {
  const layer: Layer = new Map();
  const values = flags as Record<string, unknown>;
  for (const setting of SETTINGS) {
    if (!setting.flag) continue;
    let raw = values[setting.flag.option];
    if (raw === undefined || (Array.isArray(raw) && raw.length === 0)) continue;
    if (typeof raw === 'string' && setting.fromString) raw = setting.fromString(raw);
    const where = `flag ${setting.flag.name}`;
    parseInto(layer, setting, raw, ctx, where, where);
  }
  return layer;
}

const BY_FILE_KEY = new Map<string, SettingDescriptor>(SETTINGS.map((s) => [fileKeyOf(s), s]));
// Every proper prefix of a nested file key ("timeouts" for "timeouts.stallMs") must be an object.
const GROUPS = new Set<string>(
  SETTINGS.flatMap((s) => {
    const parts = fileKeyOf(s).split('.');
    return parts.slice(1).map((_, i) => parts.slice(0, i + 1).join('.'));
  }),
);
// Editors add "$schema" for completion; it is metadata, not a setting.
const IGNORED_TOP_LEVEL = new Set(['$schema']);

function readConfigFile(
  file: string,
  kind: 'project' | 'user',
  home: string,
  warnings: string[],
): { exists: boolean; values: Layer } {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { exists: false, values: new Map() };
    throw new ConfigError(`${file}: cannot read config file: ${readFailureReason(err)}`, { file });
  }

  text = text.replace(/^\uFEFF/, '');
  // A freshly created empty file is a plausible state, not a mistake worth failing on.
  if (text.trim() === '') return { exists: true, values: new Map() };

  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    const { reason, location } = describeJsonSyntaxError(err, text);
    const at = location ? `${file}:${location.line}:${location.column}` : file;
    throw new ConfigError(`${at}: invalid JSON: ${reason}`, { file, expected: 'valid JSON' });
  }
  if (!isPlainObject(data)) {
    throw new ConfigError(`${file}: expected a JSON object at the top level, got ${describeKind(data)}`, {
      file,
      expected: 'a JSON object',
    });
  }

  const values: Layer = new Map();
  const ctx: ParseContext = { baseDir: path.dirname(file), home };
  const source = `${kind} ${file}`;
  const walk = (obj: Record<string, unknown>, prefix: string): void => {
    for (const [key, raw] of Object.entries(obj)) {
      const full = prefix === '' ? key : `${prefix}.${key}`;
      const setting = BY_FILE_KEY.get(full);
      if (setting) {
        parseInto(values, setting, raw, ctx, file, source);
      } else if (GROUPS.has(full)) {
        if (!isPlainObject(raw)) {
          throw new ConfigError(`${file}: "${full}" must be an object, got ${showValue(raw)}`, {
            file,
            key: full,
            expected: 'an object',
          });
        }
        walk(raw, full);
      } else if (!(prefix === '' && IGNORED_TOP_LEVEL.has(key))) {
        const suggestion = suggestKey(full);
        const hint = suggestion ? ` (did you mean "${suggestion}"?)` : '';
        warnings.push(`${file}: unknown setting "${full}" ignored${hint}`);
      }
    }
  };
  walk(data, '');
  return { exists: true, values };
}

function readFailureReason(err: unknown): string {
  switch ((err as NodeJS.ErrnoException).code) {
    case 'EISDIR':
      return 'it is a directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOTDIR':
      return 'a parent path is not a directory';
    default:
      return err instanceof Error ? err.message : String(err);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeKind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'string' ? 'a string' : `a ${typeof value}`;
}

const MAX_SUGGESTION_DISTANCE = 2;

/** Closest known key within edit distance 2, ignoring case; a bare leaf name also matches its nested path. */
function suggestKey(unknown: string): string | undefined {
  const wanted = unknown.toLowerCase();
  let best: { key: string; distance: number } | undefined;
  for (const candidate of [...BY_FILE_KEY.keys(), ...GROUPS]) {
    const lower = candidate.toLowerCase();
    const leaf = lower.slice(lower.lastIndexOf('.') + 1);
    const distance = Math.min(
      keyDistance(wanted, lower),
      // "stallMs" at the top level almost certainly means "timeouts.stallMs".
      wanted.includes('.') ? Infinity : keyDistance(wanted, leaf),
    );
    if (distance <= MAX_SUGGESTION_DISTANCE && (!best || distance < best.distance)) {
      best = { key: candidate, distance };
    }
  }
  return best?.key;
}

/** Counts an adjacent swap as one edit ("modle" → "model"); lengths too far apart are not compared. */
function keyDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > MAX_SUGGESTION_DISTANCE) return Infinity;
  return editDistance(a, b, { transpositions: true });
}
