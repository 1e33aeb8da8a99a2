import { createElement } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render } from 'ink-testing-library';
import { ChatView, liveLayout } from '../../src/tui/chat-view.js';
import type { ChatEvent } from '../../src/tui/controller.js';
import { FakeController, streamTokens } from './fake-controller.js';
import { occurrences, plainFrame, tick, waitFor } from './support.js';

afterEach(() => cleanup());

function mount(controller: FakeController) {
  const app = render(createElement(ChatView, { controller, color: false }));
  const frame = (): string => plainFrame(app.lastFrame());
  const type = async (text: string): Promise<void> => {
    app.stdin.write(text);
    await tick();
  };
  return { app, frame, type };
}

describe('ChatView', () => {
  it('shows the status bar and sends a message, whose reply ends up once in the transcript', async () => {
    const controller = new FakeController({ reply: (text, _c, signal) => streamTokens(['Hello ', 'from ', 'the **model**'], signal, 2) });
    const { frame, type } = mount(controller);
    expect(frame()).toContain('qwen2.5-coder-7b');
    expect(frame()).toContain('1.2k/33k tokens (4%)');
    expect(frame()).toContain('src/app.ts');

    await type('explain this');
    await type('\r');
    await waitFor(() => frame().includes('Hello from the model'), 'the reply');
    await waitFor(() => !frame().includes('Waiting'), 'the reply to finish');
    expect(controller.submissions).toEqual(['explain this']);
    expect(occurrences(frame(), 'Hello from the model')).toBe(1);
    expect(occurrences(frame(), 'explain this')).toBe(1);

    await type('second question');
    await type('\r');
    await waitFor(() => controller.submissions.length === 2 && occurrences(frame(), 'Hello from the model') === 2, 'the second reply');
    // Earlier transcript entries are not printed again by later renders.
    expect(occurrences(frame(), 'explain this')).toBe(1);
  });

  it('shows a spinner until the first token arrives', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const controller = new FakeController({
      reply: async function* (): AsyncGenerator<ChatEvent> {
        await gate;
        yield { type: 'delta', text: 'first token' };
        yield { type: 'done' };
      },
    });
    const { frame, type } = mount(controller);
    await type('hi');
    await type('\r');
    expect(frame()).toContain('Waiting for the model');
    release();
    await waitFor(() => frame().includes('first token'), 'the first token');
    expect(frame()).not.toContain('Waiting for the model');
  });

  it('throttles streamed deltas into far fewer renders than deltas', async () => {
    const tokens = Array.from({ length: 400 }, (_, i) => `t${i} `);
    const controller = new FakeController({ reply: (_t, _c, signal) => streamTokens(tokens, signal, 1) });
    const { app, frame, type } = mount(controller);
    await type('go');
    const before = app.frames.length;
    await type('\r');
    await waitFor(() => frame().includes('t399'), 'the whole stream', 15_000);
    const streamingFrames = app.frames.slice(before).filter((f) => f.includes('t0 t1')).length;
    // One delta per ~1 ms timer: unthrottled this would be ~400 renders. The exact 16 ms spacing is
    // tested on DeltaBuffer with a fake clock; here, that the view goes through it.
    expect(streamingFrames).toBeGreaterThan(1);
    expect(streamingFrames).toBeLessThan(tokens.length / 3);
  });

  it('cancels a running reply on Ctrl-C and exits on the second', async () => {
    const controller = new FakeController({
      reply: (_t, _c, signal) => streamTokens(Array.from({ length: 10_000 }, () => 'word '), signal, 5),
    });
    const { app, frame, type } = mount(controller);
    await type('long answer please');
    await type('\r');
    await waitFor(() => frame().includes('word word'), 'streaming to start');
    await type('\u0003');
    expect(controller.cancels).toBe(1);
    await waitFor(() => frame().includes('Cancelled. Press Ctrl-C again to exit.'), 'the cancel notice');
    expect(frame()).toContain('(cancelled)');
    const framesAfterCancel = app.frames.length;
    await tick(50);
    // Nothing streams after the cancel.
    expect(app.frames.slice(framesAfterCancel).every((f) => !plainFrame(f).includes('Waiting'))).toBe(true);

    // Ink stops reading stdin once the app has exited.
    const listenersBefore = app.stdin.listenerCount('readable');
    await type('\u0003');
    expect(controller.cancels).toBe(1);
    expect(app.stdin.listenerCount('readable')).toBeLessThan(listenersBefore);
  });

  it('exits on Ctrl-C when idle without calling cancel', async () => {
    const controller = new FakeController();
    const { app, type } = mount(controller);
    const listenersBefore = app.stdin.listenerCount('readable');
    expect(listenersBefore).toBeGreaterThan(0);
    await type('\u0003');
    expect(controller.cancels).toBe(0);
    expect(app.stdin.listenerCount('readable')).toBeLessThan(listenersBefore);
  });

  it('shows an edit preview in the transcript and forwards the y/n answer', async () => {
    const diff = ['--- a/src/app.ts', '+++ b/src/app.ts', '@@ -1,2 +1,2 @@', '-const a = 1;', '+const a = 2;', ' export {};'].join('\n');
    const controller = new FakeController({
      reply: async function* (_t, fake): AsyncGenerator<ChatEvent> {
        yield { type: 'delta', text: 'Here is the change.' };
        yield { type: 'edit-preview', diff, files: ['src/app.ts'] };
        const accepted = await fake.waitForEditAnswer();
        yield { type: 'notice', text: accepted ? 'Committed abc123' : 'Nothing changed' };
        yield { type: 'done' };
      },
    });
    const { frame, type } = mount(controller);
    await type('change a');
    await type('\r');
    await waitFor(() => frame().includes('Apply the edit to src/app.ts? [y/n]'), 'the question');
    expect(frame()).toContain('+const a = 2;');
    expect(frame()).toContain('Proposed edit to src/app.ts +1 -1');
    // Typing goes to the question, not the composer.
    await type('y');
    await waitFor(() => frame().includes('Committed abc123'), 'the notice after accepting');
    expect(controller.editAnswers).toEqual([true]);
    const text = frame();
    expect(text.indexOf('Here is the change.')).toBeLessThan(text.indexOf('Proposed edit'));
    expect(text.indexOf('Proposed edit')).toBeLessThan(text.indexOf('Committed abc123'));
  });

  it('opens on the no-engine screen and still forwards slash commands', async () => {
    const controller = new FakeController({
      status: { engine: 'local', model: '', chatAvailable: false },
      reply: async function* (text): AsyncGenerator<ChatEvent> {
        yield { type: 'notice', text: `ran ${text}` };
        yield { type: 'done' };
      },
    });
    const { frame, type } = mount(controller);
    const screen = frame();
    expect(screen).toContain('No chat engine is configured');
    for (const hint of ['--base-url', 'INLINE_BASE_URL', '--model', '--gguf', 'INLINE_GGUF', 'vLLM', 'llama.cpp', 'Ollama']) {
      expect(screen).toContain(hint);
    }
    await type('/search parser');
    await type('\r');
    await waitFor(() => frame().includes('ran /search parser'), 'the slash command output');
    expect(occurrences(frame(), 'No chat engine is configured')).toBe(1);
  });

  it('shows controller errors and becomes idle again', async () => {
    const controller = new FakeController({
      reply: async function* (): AsyncGenerator<ChatEvent> {
        yield { type: 'error', message: 'server returned 503' };
      },
    });
    const { frame, type } = mount(controller);
    await type('hi');
    await type('\r');
    await waitFor(() => frame().includes('Error: server returned 503'), 'the error');
    await type('again');
    await type('\r');
    await waitFor(() => controller.submissions.length === 2, 'a second submission');
  });
});

describe('liveLayout', () => {
  it('keeps the live region shorter than the terminal', () => {
    for (const rows of [10, 24, 50]) {
      const layout = liveLayout(rows);
      // streaming rows + composer rows + its overflow note + spinner + completions + status bar
      expect(layout.streamRows + layout.composerRows + 4).toBeLessThan(rows + 1);
    }
    expect(liveLayout(undefined).streamRows).toBe(Number.POSITIVE_INFINITY);
  });
});
