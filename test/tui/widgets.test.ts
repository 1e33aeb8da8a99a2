import { createElement } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render } from 'ink-testing-library';
import { StatusBar, contextSummary, filesSummary } from '../../src/tui/status-bar.js';
import { DiffView, EditConfirm, renderDiff } from '../../src/tui/diff-view.js';
import { StaticHistory } from '../../src/tui/static-history.js';
import { StreamingMessage, visibleTail } from '../../src/tui/streaming-message.js';
import { NoEngineScreen } from '../../src/tui/no-engine.js';
import { entry } from '../../src/tui/history.js';
import { occurrences, plainFrame, tick } from './support.js';

afterEach(() => cleanup());

describe('StatusBar', () => {
  it('shows model, engine, context use and files', () => {
    const status = { model: 'm1', engine: 'llama', contextTokens: 30_000, windowTokens: 32_000, files: ['a.ts', 'b.ts', 'c.ts', 'd.ts'], busy: false, chatAvailable: true };
    const frame = plainFrame(render(createElement(StatusBar, { status })).lastFrame());
    expect(frame).toContain('m1 · llama · 30k/32k tokens (94%) · a.ts, b.ts, c.ts +1 more');
    expect(contextSummary(500, 0)).toBe('500 tokens');
    expect(filesSummary([])).toBe('no files');
  });
});

describe('diff view', () => {
  const diff = '--- a/x.py\n+++ b/x.py\n@@ -1 +1 @@\n-old\n+new\n';

  it('colours added and removed lines', () => {
    const lines = renderDiff(diff, { width: 40, color: true });
    expect(lines).toHaveLength(5);
    expect(lines[3]).toBe('\u001b[31m-old\u001b[39m');
    expect(lines[4]).toBe('\u001b[32m+new\u001b[39m');
  });

  it('renders the preview and answers y or n', async () => {
    expect(plainFrame(render(createElement(DiffView, { diff, files: ['x.py'], width: 40, color: false })).lastFrame())).toContain(
      'Proposed edit to x.py +1 -1',
    );
    const answers: boolean[] = [];
    const app = render(createElement(EditConfirm, { files: ['x.py'], onAnswer: (a: boolean) => answers.push(a) }));
    expect(plainFrame(app.lastFrame())).toContain('Apply the edit to x.py? [y/n]');
    app.stdin.write('q');
    await tick();
    app.stdin.write('n');
    await tick();
    app.stdin.write('Y');
    await tick();
    expect(answers).toEqual([false, true]);
  });
});

describe('StaticHistory', () => {
  it('prints each entry once, however often it re-renders', () => {
    const first = [entry({ kind: 'user', text: 'question one' }), entry({ kind: 'assistant', text: '**answer** one' })];
    const app = render(createElement(StaticHistory, { entries: first, width: 60, color: false }));
    const more = [...first, entry({ kind: 'notice', text: 'a notice' }), entry({ kind: 'error', text: 'bad' })];
    app.rerender(createElement(StaticHistory, { entries: more, width: 60, color: false }));
    app.rerender(createElement(StaticHistory, { entries: more, width: 60, color: false }));
    const frame = plainFrame(app.lastFrame());
    expect(occurrences(frame, 'question one')).toBe(1);
    expect(occurrences(frame, 'answer one')).toBe(1);
    expect(occurrences(frame, 'a notice')).toBe(1);
    expect(frame).toContain('Error: bad');
  });
});

describe('StreamingMessage', () => {
  it('shows only the tail that fits, and says how much is above', () => {
    const text = Array.from({ length: 30 }, (_, i) => `paragraph ${i}`).join('\n\n');
    const frame = plainFrame(render(createElement(StreamingMessage, { text, width: 60, color: false, maxRows: 5 })).lastFrame());
    expect(frame.split('\n')).toHaveLength(5);
    expect(frame).toContain('paragraph 29');
    expect(frame).not.toContain('paragraph 27\n');
    expect(frame).toContain('55 lines above');
    expect(visibleTail(['a', 'b'], 5)).toEqual({ hidden: 0, shown: ['a', 'b'] });
  });
});

describe('NoEngineScreen', () => {
  it('explains every way to configure a chat engine', () => {
    const frame = plainFrame(render(createElement(NoEngineScreen)).lastFrame());
    for (const needle of ['vLLM', 'llama.cpp server', 'Ollama', 'GGUF', '--base-url', '--model', '--gguf', 'INLINE_BASE_URL', 'INLINE_GGUF', 'inline doctor', '/search']) {
      expect(frame).toContain(needle);
    }
  });
});
