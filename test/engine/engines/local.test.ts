/** The local statistical engine end to end: what it completes, how it keeps up with edits, and its contract. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalEngine } from '../../../src/engine/engines/local.js';
import { RequestRejected } from '../../../src/engine/errors.js';
import { CodeIndex } from '../../../src/index/code-index.js';
import { HashingEmbedder } from '../../../src/index/embed/hashing.js';
import type { CompletionRequest, Delta } from '../../../src/engine/types.js';
import { FILES, request } from './local/fixture.js';

async function collect(engine: LocalEngine, req: CompletionRequest, signal = new AbortController().signal): Promise<Delta[]> {
  const out: Delta[] = [];
  for await (const delta of engine.complete(req, signal)) out.push(delta);
  return out;
}

async function top(engine: LocalEngine, req: CompletionRequest): Promise<string | undefined> {
  return (await collect(engine, req))[0]?.text;
}

describe('LocalEngine completions', () => {
  const engine = LocalEngine.fromFiles(FILES);

  it('finishes a partly typed name from the repository vocabulary', async () => {
    expect(await top(engine, request('src/new.py', 'def go(path):\n    return checksum_acc'))).toMatch(/^umulator/);
  });

  it('finishes a name only the current file uses', async () => {
    const prefix = 'def go(frobnicator_settings):\n    x = 1\n    return frobnicator_se';
    expect(await top(engine, request('src/new.py', prefix))).toMatch(/^ttings/);
  });

  it("proposes a call's arguments seen before", async () => {
    const prefix = 'def options():\n    parser = argparse.ArgumentParser()\n    parser.add_argument(';
    expect(await top(engine, request('src/new.py', prefix))).toBe('"--verbose", action="store_true")');
  });

  it('closes an open bracket and a block', async () => {
    const call = await top(engine, request('lib/new.js', "function f (items) {\n  if (!Array.isArray(items"));
    expect(call).toBe(')) {');
    const block = "function f (items) {\n  if (!Array.isArray(items)) {\n    throw new TypeError('items must be an array')\n";
    expect(await top(engine, request('lib/new.js', block))).toBe('  }');
  });

  it('continues a repeated pattern and stops when the list runs out', async () => {
    const head = 'class Box:\n    def __init__(self, top, left, bottom):\n        self.top = top\n        self.left = left\n';
    expect(await top(engine, request('src/box.py', `${head}        `))).toBe('self.bottom = bottom');
    expect(await top(engine, request('src/box.py', `${head}        self.bottom = bottom\n        `))).not.toBe('self.right = right');
  });

  it('proposes several lines when a known block follows', async () => {
    const text = await top(engine, request('src/new.py', 'def load_user(path):\n    '));
    expect(text).toBe('with open(path) as handle:\n        return json.load(handle)');
  });

  it('keeps to one line when the request stops at line ends', async () => {
    const text = await top(engine, request('src/new.py', 'def load_user(path):\n    ', '', { stop: ['\n'] }));
    expect(text).toBe('with open(path) as handle:');
  });

  it('ends where the text after the cursor on the line begins', async () => {
    const text = await top(engine, request('src/new.py', 'def save(path, data):\n    with open(path, "w") as handle:\n        json.dump(', ')\n'));
    expect(text).toBe('data, handle, indent=2');
  });

  it('answers n distinct candidates, the most likely first', async () => {
    const deltas = await collect(engine, request('src/new.py', 'with open(', '', { n: 3, stop: ['\n'] }));
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.length).toBeLessThanOrEqual(3);
    expect(deltas[0]!.text).toBe('path) as handle:');
    expect(deltas.map((d) => d.text)).toContain('path, "w") as handle:');
    expect(new Set(deltas.map((d) => d.text)).size).toBe(deltas.length);
    expect(deltas.map((d) => d.choice)).toEqual(deltas.map((_, i) => i));
    for (let i = 1; i < deltas.length; i++) expect(deltas[i]!.logprob!).toBeLessThanOrEqual(deltas[0]!.logprob!);
    for (const delta of deltas) {
      expect(delta.finishReason).toBe('stop');
      expect(delta.logprob!).toBeLessThanOrEqual(0);
    }
  });

  it('proposes nothing on noise, in comments and in long strings', async () => {
    expect(await collect(engine, request('src/new.py', 'qz8 = vv$ ^^ ~jj kk7 (( xw'))).toEqual([]);
    expect(await collect(engine, request('src/new.py', 'import os\n# load the settings from a wi'))).toEqual([]);
    expect(await collect(engine, request('src/new.py', 'def f():\n    """Loads the settings from a file and the'))).toEqual([]);
  });

  it('honours stop sequences and the token budget', async () => {
    const prefix = 'def options():\n    parser = argparse.ArgumentParser()\n    parser.add_argument(';
    expect(await top(engine, request('src/new.py', prefix, '', { stop: [','] }))).toBe('"--verbose"');
    const short = await top(engine, request('src/new.py', prefix, '', { maxTokens: 2 }));
    expect(short === undefined || short.length <= 8).toBe(true);
  });

  it('reads the prompt and suffix when the request has no cursor', async () => {
    const req: CompletionRequest = { prompt: 'def load_user(path):\n    with open(path) as handle:\n        return json.lo', stop: ['\n'], maxTokens: 32, temperature: 0 };
    expect(await top(engine, req)).toBe('ad(handle)');
  });

  it('respects an aborted signal', async () => {
    const controller = new AbortController();
    controller.abort(new Error('cancelled by the test'));
    await expect(collect(engine, request('src/new.py', 'import '), controller.signal)).rejects.toThrow('cancelled by the test');
  });
});

describe('LocalEngine keeps up with edits', () => {
  it('proposes a pattern from a file once it is added and forgets it once the file is removed', async () => {
    const engine = LocalEngine.fromFiles(FILES);
    const prefix = 'def connect():\n    client = '; // nothing in the repository says what follows
    const pattern = 'def connect():\n    client = QuantumTelegraph(relay="north", retries=7)\n    return client\n';
    expect(await top(engine, request('src/new.py', prefix))).not.toBe('QuantumTelegraph(relay="north", retries=7)');

    const copies = ['src/telegraph.py', 'src/relay/telegraph.py', 'src/relay/backup.py'];
    for (const path of copies) engine.update(path, pattern);
    expect(await top(engine, request('src/new.py', prefix, '', { stop: ['\n'] }))).toBe('QuantumTelegraph(relay="north", retries=7)');

    for (const path of copies) engine.remove(path);
    expect(await top(engine, request('src/new.py', prefix, '', { stop: ['\n'] }))).not.toBe('QuantumTelegraph(relay="north", retries=7)');
  });

  it('replaces a file instead of adding it twice', () => {
    const engine = LocalEngine.fromFiles(FILES);
    const before = engine.stats();
    engine.update('src/settings.py', FILES[0]!.text);
    const after = engine.stats();
    expect(after.files).toBe(before.files);
    expect(after.tokens).toBe(before.tokens);
  });

  it('leaves files out past the size cap', () => {
    const engine = LocalEngine.fromFiles(FILES, { maxCorpusBytes: 1500 });
    const stats = engine.stats();
    expect(stats.bytes).toBeLessThanOrEqual(1500);
    expect(stats.overCap).toBeGreaterThan(0);
  });
});

describe('LocalEngine over a repository', () => {
  let root: string | undefined;
  afterEach(() => {
    if (root) rmSync(root, { recursive: true, force: true });
    root = undefined;
  });

  function repository(files: Record<string, string>): string {
    root = mkdtempSync(join(tmpdir(), 'inline-local-'));
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
    }
    return root;
  }

  it('builds on the first request by walking the repository with the ignore rules', async () => {
    const files = Object.fromEntries(FILES.map((f) => [f.path, f.text]));
    const dir = repository({ ...files, '.gitignore': 'ignored/\n', 'ignored/secret.py': 'def load_settings(path):\n    return ZebraCrossing()\n' });
    const engine = LocalEngine.create({ root: dir, git: false });
    expect(engine.stats().files).toBe(0);
    expect(await top(engine, request('src/new.py', 'def load_user(path):\n    with open(path) as handle:\n        return json.lo', '', { stop: ['\n'] }))).toBe('ad(handle)');
    const stats = engine.stats();
    expect(stats.origin).toBe('walk');
    expect(stats.files).toBe(FILES.length + 1); // .gitignore itself is text too
    expect(await top(engine, request('src/new.py', 'x = Zebra'))).toBeUndefined();
  });

  it("builds from the code index's chunks when it is given an index", async () => {
    const dir = repository(Object.fromEntries(FILES.map((f) => [f.path, f.text])));
    const index = CodeIndex.open({ root: dir, git: false, embedder: new HashingEmbedder(), indexDir: join(dir, '.inline', 'index') });
    await index.update();
    const engine = LocalEngine.create({ root: dir, git: false, index });
    expect(await top(engine, request('src/new.py', 'def load_user(path):\n    with open(path) as handle:\n        return json.lo', '', { stop: ['\n'] }))).toBe('ad(handle)');
    expect(engine.stats()).toMatchObject({ origin: 'index', files: FILES.length });
    await index.close();
  });

  it('applies edits made while it builds', async () => {
    const dir = repository(Object.fromEntries(FILES.map((f) => [f.path, f.text])));
    const engine = LocalEngine.create({ root: dir, git: false });
    const building = engine.ready();
    engine.update('src/extra.py', 'marmalade_factory = 1\nmarmalade_factory = 2\n');
    await building;
    expect(await top(engine, request('src/new.py', 'x = marmalade_f'))).toBe('actory');
  });

  it('gives up waiting for the build when the request is aborted', async () => {
    const dir = repository(Object.fromEntries(FILES.map((f) => [f.path, f.text])));
    const engine = LocalEngine.create({ root: dir, git: false });
    const controller = new AbortController();
    const pending = collect(engine, request('src/new.py', 'import '), controller.signal);
    controller.abort(new Error('superseded'));
    await expect(pending).rejects.toThrow('superseded');
  });
});

describe('LocalEngine contract', () => {
  const engine = LocalEngine.fromFiles(FILES);

  it('describes itself as a local engine that reads raw text', () => {
    expect(engine.info()).toEqual({ name: 'local', fim: true, contextTokens: 1 << 20, chat: false, readsPrompt: false });
  });

  it('refuses chat with a message that says how to configure a backend', async () => {
    const chat = engine.chat({ messages: [{ role: 'user', content: 'hi' }], maxTokens: 10, temperature: 0 }, new AbortController().signal);
    const error = await (async () => {
      try {
        for await (const _ of chat) return undefined;
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(RequestRejected);
    expect((error as Error).message).toMatch(/--base-url/);
    expect((error as Error).message).toMatch(/--gguf/);
  });
});
