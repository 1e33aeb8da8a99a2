/**
 * What every command receives: the resolved repository root, the layered configuration, output
 * streams with the right colour settings, and the global flags. Built on demand so that
 * commands which need no configuration (and `--version`) load none.
 */
import { loadConfig, type ConfigFlags, type LoadedConfig } from '../config/load.js';
import { resolveRoot, type RepoRoot } from '../config/root.js';
import { colorEnabled, createStyle, type Style } from './style.js';

export interface GlobalOptions {
  root?: string;
  json?: boolean;
  baseUrl?: string[];
  model?: string;
  apiKey?: string;
  engine?: string;
  gguf?: string;
  fimModel?: string;
  embedModel?: string;
  verbose?: boolean;
  color?: boolean;
}

export interface Output {
  out(text: string): void;
  err(text: string): void;
  /** Prints a value as pretty JSON on stdout. */
  json(value: unknown): void;
  style: Style;
  errStyle: Style;
}

export interface CommandContext {
  options: GlobalOptions;
  env: Record<string, string | undefined>;
  cwd: string;
  output: Output;
  root(): RepoRoot;
  config(): LoadedConfig;
}

export function createOutput(options: GlobalOptions, env: Record<string, string | undefined>): Output {
  return {
    out: (text) => void process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    err: (text) => void process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
    json: (value) => void process.stdout.write(`${JSON.stringify(value, null, 2)}\n`),
    style: createStyle(colorEnabled(process.stdout, env, options.color)),
    errStyle: createStyle(colorEnabled(process.stderr, env, options.color)),
  };
}

export function createContext(options: GlobalOptions, env = process.env, cwd = process.cwd()): CommandContext {
  let root: RepoRoot | undefined;
  let config: LoadedConfig | undefined;
  const context: CommandContext = {
    options,
    env,
    cwd,
    output: createOutput(options, env),
    root: () => (root ??= resolveRoot(options.root, cwd)),
    config: () => {
      if (!config) {
        config = loadConfig({ root: context.root().root, flags: configFlags(options), env, cwd });
        for (const warning of config.warnings) context.output.err(`${context.output.errStyle.yellow('warning:')} ${warning}`);
      }
      return config;
    },
  };
  return context;
}

function configFlags(options: GlobalOptions): ConfigFlags {
  return {
    engine: options.engine,
    baseUrl: options.baseUrl && options.baseUrl.length > 0 ? options.baseUrl : undefined,
    apiKey: options.apiKey,
    model: options.model,
    fimModel: options.fimModel,
    embedModel: options.embedModel,
    gguf: options.gguf,
  };
}
