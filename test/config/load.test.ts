import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/errors.js';
import { loadConfig, userConfigPath, type ConfigFlags, type LoadedConfig } from '../../src/config/load.js';
import { SETTINGS } from '../../src/config/schema.js';

let tmp: string;
let root: string;
let userDir: string;
let projectFile: string;
let userFile: string;

beforeEach(() => {
  tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'inline-config-')));
  root = path.join(tmp, 'repo');
  userDir = path.join(tmp, 'xdg', 'inline');
  projectFile = path.join(root, '.inline', 'config.json');
  userFile = path.join(userDir, 'config.json');
  fs.mkdirSync(path.dirname(projectFile), { recursive: true });
  fs.mkdirSync(userDir, { recursive: true });
});

afterEach(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

function write(file: string, content: unknown): void {
  fs.writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
}

function load(opts: { flags?: ConfigFlags; env?: Record<string, string | undefined>; cwd?: string } = {}): LoadedConfig {
  return loadConfig({ root, userConfigDir: userDir, env: opts.env ?? {}, flags: opts.flags, cwd: opts.cwd ?? root });
}

function loadError(opts: Parameters<typeof load>[0] = {}): ConfigError {
  try {
    load(opts);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    const e = err as ConfigError;
    expect(e.exitCode).toBe(2);
    return e;
  }
  throw new Error('expected loadConfig to throw');
}

describe('defaults', () => {
  it('fills every defaulted setting and reports its source as default', () => {
    const { config, sources, files, warnings } = load();
    expect(config).toEqual({
      engine: 'local',
      baseUrls: [],
      timeouts: { connectMs: 3000, firstByteMs: 30000, stallMs: 15000 },
      retries: { max: 2, baseDelayMs: 250, maxRetryAfterMs: 10000 },
      endpoints: { busyInFlight: 4, downCooldownMs: 5000 },
      embedBatchSize: 64,
      index: { embedder: 'hashing' },
      completion: { deadlineMs: 2000, promptTokens: 2048 },
      edits: { dirtyFiles: 'commit' },
    });
    expect(sources['timeouts.stallMs']).toBe('default');
    expect(sources.engine).toBe('default');
    expect(sources).not.toHaveProperty('model');
    expect(sources).not.toHaveProperty('apiKey');
    expect(files).toEqual([
      { kind: 'project', path: projectFile, exists: false },
      { kind: 'user', path: userFile, exists: false },
    ]);
    expect(warnings).toEqual([]);
  });

  it('hands out a fresh baseUrls array each time', () => {
    load().config.baseUrls.push('http://mutated');
    expect(load().config.baseUrls).toEqual([]);
  });

  it('has a description for every setting', () => {
    for (const s of SETTINGS) expect(s.description.length).toBeGreaterThan(0);
  });
});

describe('precedence', () => {
  const all = {
    flags: { model: 'flag-model', baseUrl: ['http://flag'] },
    env: { INLINE_MODEL: 'env-model', INLINE_BASE_URL: 'http://env' },
  };

  beforeEach(() => {
    write(userFile, { model: 'user-model', baseUrl: 'http://user' });
    write(projectFile, { model: 'project-model', baseUrl: ['http://project'] });
  });

  it('flag beats env', () => {
    const { config, sources } = load(all);
    expect(config.model).toBe('flag-model');
    expect(config.baseUrls).toEqual(['http://flag']);
    expect(sources.model).toBe('flag --model');
    expect(sources.baseUrls).toBe('flag --base-url');
  });

  it('env beats project', () => {
    const { config, sources } = load({ env: all.env });
    expect(config.model).toBe('env-model');
    expect(config.baseUrls).toEqual(['http://env']);
    expect(sources.model).toBe('env INLINE_MODEL');
    expect(sources.baseUrls).toBe('env INLINE_BASE_URL');
  });

  it('project beats user', () => {
    const { config, sources, files } = load();
    expect(config.model).toBe('project-model');
    expect(config.baseUrls).toEqual(['http://project']);
    expect(sources.model).toBe(`project ${projectFile}`);
    expect(sources.baseUrls).toBe(`project ${projectFile}`);
    expect(files.every((f) => f.exists)).toBe(true);
  });

  it('user beats default', () => {
    fs.rmSync(projectFile);
    const { config, sources } = load();
    expect(config.model).toBe('user-model');
    expect(config.baseUrls).toEqual(['http://user']);
    expect(sources.model).toBe(`user ${userFile}`);
    expect(sources.baseUrls).toBe(`user ${userFile}`);
  });

  it('treats empty env vars as unset', () => {
    const { config, sources } = load({ env: { INLINE_MODEL: '', INLINE_BASE_URL: '' } });
    expect(config.model).toBe('project-model');
    expect(sources.baseUrls).toBe(`project ${projectFile}`);
  });

  it('merges per key across files', () => {
    write(userFile, { timeouts: { stallMs: 5000, connectMs: 100 }, model: 'user-model' });
    write(projectFile, { model: 'project-model', timeouts: { connectMs: 200 } });
    const { config, sources } = load();
    expect(config.model).toBe('project-model');
    expect(config.timeouts).toEqual({ connectMs: 200, firstByteMs: 30000, stallMs: 5000 });
    expect(sources['timeouts.stallMs']).toBe(`user ${userFile}`);
    expect(sources['timeouts.connectMs']).toBe(`project ${projectFile}`);
    expect(sources['timeouts.firstByteMs']).toBe('default');
  });
});

describe('environment', () => {
  it('falls back to OPENAI_API_KEY and prefers INLINE_API_KEY', () => {
    expect(load({ env: { OPENAI_API_KEY: 'sk-openai' } })).toMatchObject({
      config: { apiKey: 'sk-openai' },
      sources: { apiKey: 'env OPENAI_API_KEY' },
    });
    expect(load({ env: { OPENAI_API_KEY: 'sk-openai', INLINE_API_KEY: 'sk-inline' } })).toMatchObject({
      config: { apiKey: 'sk-inline' },
      sources: { apiKey: 'env INLINE_API_KEY' },
    });
    expect(load({ env: { OPENAI_API_KEY: 'sk-openai', INLINE_API_KEY: '' } }).config.apiKey).toBe('sk-openai');
  });

  it('splits a comma-separated INLINE_BASE_URL and trims trailing slashes', () => {
    const { config } = load({ env: { INLINE_BASE_URL: ' http://a:8080/v1/ , https://b.example//,http://a:8080/v1' } });
    expect(config.baseUrls).toEqual(['http://a:8080/v1', 'https://b.example']);
  });

  it('trims trailing slashes in files and flags too', () => {
    write(projectFile, { baseUrl: 'http://localhost:8080/' });
    expect(load().config.baseUrls).toEqual(['http://localhost:8080']);
    expect(load({ flags: { baseUrl: ['http://x/', 'http://y/v1/'] } }).config.baseUrls).toEqual([
      'http://x',
      'http://y/v1',
    ]);
  });

  it('reads every string setting from its variable', () => {
    const { config } = load({
      env: { INLINE_FIM_MODEL: 'fim', INLINE_EMBED_MODEL: 'emb', INLINE_ENGINE: 'local' },
    });
    expect(config).toMatchObject({ fimModel: 'fim', embedModel: 'emb', engine: 'local' });
  });
});

describe('engine derivation', () => {
  it('derives openai-http from baseUrls', () => {
    const { config, sources } = load({ env: { INLINE_BASE_URL: 'http://a' } });
    expect(config.engine).toBe('openai-http');
    expect(sources.engine).toBe('derived from baseUrls');
  });

  it('derives llama from gguf', () => {
    const { config, sources } = load({ flags: { gguf: 'm.gguf' } });
    expect(config.engine).toBe('llama');
    expect(sources.engine).toBe('derived from gguf');
  });

  it('prefers baseUrls over gguf when deriving', () => {
    expect(load({ env: { INLINE_BASE_URL: 'http://a', INLINE_GGUF: 'm.gguf' } }).config.engine).toBe('openai-http');
  });

  it('defaults to local', () => {
    expect(load().config.engine).toBe('local');
  });

  it('lets an explicit engine win over derivation', () => {
    write(projectFile, { engine: 'local', baseUrl: 'http://a' });
    const { config, sources } = load();
    expect(config.engine).toBe('local');
    expect(sources.engine).toBe(`project ${projectFile}`);
    expect(load({ flags: { engine: 'llama', gguf: 'x.gguf' } }).sources.engine).toBe('flag --engine');
  });
});

describe('gguf paths', () => {
  it('resolves relative to the config file directory', () => {
    write(projectFile, { gguf: 'models/m.gguf' });
    expect(load().config.gguf).toBe(path.join(root, '.inline', 'models', 'm.gguf'));
    write(userFile, { gguf: '../m.gguf' });
    fs.rmSync(projectFile);
    expect(load().config.gguf).toBe(path.join(tmp, 'xdg', 'm.gguf'));
  });

  it('resolves flags and env relative to cwd', () => {
    const cwd = path.join(tmp, 'elsewhere');
    expect(load({ cwd, flags: { gguf: 'a.gguf' } }).config.gguf).toBe(path.join(cwd, 'a.gguf'));
    expect(load({ cwd, env: { INLINE_GGUF: './b.gguf' } }).config.gguf).toBe(path.join(cwd, 'b.gguf'));
  });

  it('keeps absolute paths and expands ~/', () => {
    const abs = path.join(tmp, 'abs.gguf');
    expect(load({ flags: { gguf: abs } }).config.gguf).toBe(abs);
    expect(load({ env: { HOME: '/home/someone', INLINE_GGUF: '~/m/x.gguf' } }).config.gguf).toBe(
      path.join('/home/someone', 'm', 'x.gguf'),
    );
  });
});

describe('errors', () => {
  it('reports invalid JSON with file path and line:column', () => {
    write(projectFile, '{\n  "model": "x",\n  "timeouts": { "stallMs": 5000, }\n}\n');
    const e = loadError();
    expect(e.message).toContain(`${projectFile}:3:34`);
    expect(e.message).toContain('invalid JSON');
    expect(e.file).toBe(projectFile);
  });

  it('locates unexpected-token errors and never echoes file contents', () => {
    write(projectFile, '{\n  "apiKey": "sk-super-secret-value",\n  "model": tru,\n  "x": 1\n}');
    const e = loadError();
    expect(e.message).toContain(`${projectFile}:3:15`);
    expect(e.message).not.toContain('sk-super');
  });

  it('reports truncated JSON at the end of the file', () => {
    write(userFile, '{\n  "model": "x"');
    expect(loadError().message).toContain(`${userFile}:2:15`);
  });

  it('rejects a top level that is not an object', () => {
    write(projectFile, '[1, 2]');
    const e = loadError();
    expect(e.message).toBe(`${projectFile}: expected a JSON object at the top level, got an array`);
  });

  it('names file, key, expectation and value for a wrong type', () => {
    write(projectFile, { timeouts: { stallMs: 'fast' } });
    const e = loadError();
    expect(e.message).toBe(`${projectFile}: "timeouts.stallMs" must be a positive integer (milliseconds), got "fast"`);
    expect(e).toMatchObject({ file: projectFile, key: 'timeouts.stallMs', expected: 'a positive integer (milliseconds)' });
  });

  it('rejects out-of-range numbers', () => {
    write(userFile, { retries: { max: -1 } });
    expect(loadError().message).toBe(`${userFile}: "retries.max" must be a non-negative integer, got -1`);
    write(userFile, { embedBatchSize: 1.5 });
    expect(loadError().message).toContain('"embedBatchSize" must be a positive integer, got 1.5');
  });

  it('rejects a group that is not an object', () => {
    write(projectFile, { timeouts: 5 });
    expect(loadError().message).toBe(`${projectFile}: "timeouts" must be an object, got 5`);
  });

  it('truncates long received values', () => {
    write(projectFile, { contextTokens: 'x'.repeat(200) });
    const e = loadError();
    expect(e.message).toContain('got "xxxx');
    expect(e.message.length).toBeLessThan(projectFile.length + 120);
  });

  it('rejects an unknown engine', () => {
    const e = loadError({ env: { INLINE_ENGINE: 'gpu' } });
    expect(e.message).toBe('env INLINE_ENGINE: "engine" must be one of local, openai-http, llama, got "gpu"');
    expect(e.file).toBe('env INLINE_ENGINE');
  });

  it('requires a base URL for an explicit openai-http engine', () => {
    const e = loadError({ flags: { engine: 'openai-http' } });
    expect(e.message).toContain(
      'engine "openai-http" needs a base URL: set --base-url, INLINE_BASE_URL or "baseUrl" in .inline/config.json',
    );
    expect(e.message).toContain('flag --engine');
    expect(e.key).toBe('engine');
  });

  it('requires a gguf for an explicit llama engine', () => {
    write(projectFile, { engine: 'llama' });
    const e = loadError();
    expect(e.message).toContain('engine "llama" needs a GGUF model file: set --gguf, INLINE_GGUF or "gguf"');
    expect(e.file).toBe(projectFile);
  });

  it('names INLINE_BASE_URL for a bad URL in the environment', () => {
    const e = loadError({ env: { INLINE_BASE_URL: 'http://ok, ftp://files.example' } });
    expect(e.message).toBe('env INLINE_BASE_URL: "baseUrl" must be an http(s) URL, got "ftp://files.example"');
    expect(e.file).toBe('env INLINE_BASE_URL');
  });

  it('names the flag for a bad URL flag', () => {
    const e = loadError({ flags: { baseUrl: ['localhost:8080x'] } });
    expect(e.message).toContain('flag --base-url: "baseUrl" must be an http(s) URL');
  });

  it('rejects a config path that is a directory', () => {
    fs.mkdirSync(projectFile, { recursive: true });
    const e = loadError();
    expect(e.message).toBe(`${projectFile}: cannot read config file: it is a directory`);
    expect(e.file).toBe(projectFile);
  });

  it('never prints apiKey values', () => {
    const secret = 'sk-very-secret-123';
    for (const bad of [{ apiKey: 12345 }, { apiKey: [secret] }, { apiKey: { k: secret } }, { apiKey: '' }]) {
      write(projectFile, bad);
      const e = loadError();
      expect(e.message).toContain('"apiKey" must be a non-empty string');
      expect(e.message).not.toContain(secret);
      expect(e.message).not.toContain('12345');
    }
    fs.rmSync(projectFile);
    const e = loadError({ flags: { apiKey: ' ' }, env: { INLINE_API_KEY: secret } });
    expect(e.message).toBe('flag --api-key: "apiKey" must be a non-empty string, got a string (value hidden)');
  });
});

describe('warnings', () => {
  it('warns about unknown keys with a suggestion', () => {
    write(projectFile, { modle: 'x', baseURL: 'http://a', timeouts: { stalMs: 1 }, stallMs: 2, frobnicate: true });
    const { warnings, config } = load();
    expect(config.model).toBeUndefined();
    expect(warnings).toEqual([
      `${projectFile}: unknown setting "modle" ignored (did you mean "model"?)`,
      `${projectFile}: unknown setting "baseURL" ignored (did you mean "baseUrl"?)`,
      `${projectFile}: unknown setting "timeouts.stalMs" ignored (did you mean "timeouts.stallMs"?)`,
      `${projectFile}: unknown setting "stallMs" ignored (did you mean "timeouts.stallMs"?)`,
      `${projectFile}: unknown setting "frobnicate" ignored`,
    ]);
  });

  it('ignores $schema and empty files', () => {
    write(projectFile, { $schema: 'https://example/schema.json' });
    write(userFile, '\n');
    expect(load().warnings).toEqual([]);
  });
});

describe('userConfigPath', () => {
  it('uses XDG_CONFIG_HOME, else ~/.config', () => {
    expect(userConfigPath({ XDG_CONFIG_HOME: '/xdg', HOME: '/h' })).toBe(path.join('/xdg', 'inline', 'config.json'));
    expect(userConfigPath({ XDG_CONFIG_HOME: '', HOME: '/h' })).toBe(path.join('/h', '.config', 'inline', 'config.json'));
    expect(userConfigPath({ XDG_CONFIG_HOME: 'relative', HOME: '/h' })).toBe(
      path.join('/h', '.config', 'inline', 'config.json'),
    );
  });

  it('is what loadConfig reads without userConfigDir', () => {
    const xdg = path.join(tmp, 'xdg');
    const { config, files } = loadConfig({ root, env: { XDG_CONFIG_HOME: xdg }, cwd: root });
    expect(files[1]).toEqual({ kind: 'user', path: userFile, exists: false });
    expect(config.model).toBeUndefined();
  });
});
