/** The orchestrator end to end in process: real OpenAIHttpEngine and scheduler against the fake HTTP backend. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ContextSession } from '../../../src/context/session.js';
import { CompletionPipeline, type PipelineOptions } from '../../../src/engine/complete/pipeline.js';
import { RequestCancelled } from '../../../src/engine/errors.js';
import { Scheduler, scheduledEngine } from '../../../src/engine/scheduler.js';
import type { CompletionRequest, Delta, Engine } from '../../../src/engine/types.js';
import { startFakeBackend, type FakeBackend } from '../../support/fake-backend.js';
import { makeEngine } from '../engines/openai-http-harness.js';

const AWS_KEY = 'AKIA' + 'Q3EGRTZ7' + 'XPLM4WNB';

let backend: FakeBackend | undefined;
afterEach(async () => {
  await backend?.close();
  backend = undefined;
});

const root = mkdtempSync(join(tmpdir(), 'inline-pipeline-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const context = () => ContextSession.open({ root, git: false, model: 'qwen2.5-coder-7b' });

function pipeline(engine: Engine, extra: Partial<PipelineOptions> = {}): CompletionPipeline {
  return new CompletionPipeline({ engine, context, modelId: 'test', deadlineMs: 5000, ...extra });
}

/** Scripted candidates, one list of deltas per choice; records each request. */
function scripted(choices: Array<Array<Omit<Delta, 'choice'>>>) {
  const requests: CompletionRequest[] = [];
  const engine: Engine = {
    info: () => ({ name: 'scripted', fim: true, contextTokens: 8192, chat: false }),
    chat: () => {
      throw new Error('no chat');
    },
    async *complete(req) {
      requests.push(req);
      for (const [choice, deltas] of choices.entries()) for (const delta of deltas) yield { ...delta, choice };
    },
  };
  return { engine, requests };
}

const doc = { path: 'settings.py', text: 'import os\n\naws_access_key_id = \n', offset: 'import os\n\naws_access_key_id = '.length };

describe('CompletionPipeline', () => {
  it('drops the candidate holding a key, ranks the rest, and reports what it dropped', async () => {
    const { engine } = scripted([
      [{ text: `"${AWS_KEY}"`, logprob: -1 }],
      [{ text: 'os.environ["AWS_ACCESS_KEY_ID"]', logprob: -4 }],
      [{ text: 'os.getenv("AWS_ACCESS_KEY_ID")', logprob: -2 }],
      [{ text: 'os.getenv("AWS_ACCESS_KEY_ID")', logprob: -3 }],
    ]);
    const result = await pipeline(engine).complete({ ...doc, n: 4 });
    expect(result.items.map((i) => i.text)).toEqual(['os.getenv("AWS_ACCESS_KEY_ID")', 'os.environ["AWS_ACCESS_KEY_ID"]']);
    expect(result.dropped).toEqual({ postprocess: 0, secrets: 1, duplicates: 1 });
    expect(JSON.stringify(result)).not.toContain(AWS_KEY);
  });

  it('serves a repeat from memory and the rest of a suggestion being typed through', async () => {
    const { engine, requests } = scripted([[{ text: 'os.getenv("KEY")' }]]);
    const p = pipeline(engine);
    expect((await p.complete(doc)).cache).toBe('miss');
    const repeat = await p.complete(doc);
    expect(repeat).toMatchObject({ cache: 'memory', items: [{ text: 'os.getenv("KEY")', cached: 'memory' }] });
    const typed = 'os.get';
    const text = doc.text.slice(0, doc.offset) + typed + doc.text.slice(doc.offset);
    const through = await p.complete({ ...doc, text, offset: doc.offset + typed.length });
    expect(through).toMatchObject({ cache: 'type-through', items: [{ text: 'env("KEY")' }] });
    expect(requests).toHaveLength(1);
  });

  it('asks the local-style engine with the cursor only, without assembling a prompt', async () => {
    const { engine, requests } = scripted([[{ text: 'os.getenv("KEY")' }]]);
    const raw: Engine = { ...engine, info: () => ({ ...engine.info(), readsPrompt: false }) };
    await pipeline(raw, { context: () => Promise.reject(new Error('must not assemble')) }).complete(doc);
    expect(requests[0]!.cursor).toEqual({ path: 'settings.py', language: 'python', prefix: doc.text.slice(0, doc.offset), suffix: '\n' });
  });

  it('cancels a superseded request down to the HTTP stream', async () => {
    backend = await startFakeBackend({ replies: [{ chunks: Array.from({ length: 40 }, () => 'x'), chunkDelayMs: 50 }, { chunks: ['second'] }] });
    const engine = scheduledEngine(makeEngine([backend.url], { deadlines: { connectMs: 1000, firstByteMs: 3000, stallMs: 3000 } }), new Scheduler());
    const p = pipeline(engine);
    const first = p.complete({ ...doc, documentKey: 'file:///settings.py' }).catch((error: unknown) => error);
    await backend.waitForRequests(1);
    await new Promise((r) => setTimeout(r, 120));
    const text = doc.text.replace('aws_access_key_id = ', 'aws_access_key_id = o');
    const second = await p.complete({ ...doc, text, offset: doc.offset + 1, documentKey: 'file:///settings.py' });
    expect(await first).toBeInstanceOf(RequestCancelled);
    expect(second.items.map((i) => i.text)).toEqual(['second']);
    const deadline = Date.now() + 2000;
    while (!backend.requests[0]!.aborted && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(backend.requests[0]!.aborted).toBe(true);
  });

  it('skips a request the prefilter rejects without calling the engine', async () => {
    const { engine, requests } = scripted([[{ text: 'x' }]]);
    const result = await pipeline(engine).complete({ path: 'a.py', text: 'value = compute(1)\n', offset: 10, trigger: 'automatic' });
    expect(result).toMatchObject({ skipped: 'mid-identifier', items: [] });
    expect(requests).toHaveLength(0);
  });
});
