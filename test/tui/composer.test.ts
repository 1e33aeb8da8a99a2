import { createElement } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render } from 'ink-testing-library';
import { Composer } from '../../src/tui/composer.js';
import { applyCompletions, emptyComposer, insertText, moveDown, moveUp, pressEnter, type ComposerState } from '../../src/tui/composer-state.js';
import { plainFrame, tick } from './support.js';

afterEach(() => cleanup());

const at = (text: string, cursor = text.length, history: string[] = []): ComposerState => ({ ...emptyComposer(history), text, cursor });

describe('composer state', () => {
  it('turns a trailing backslash into a line break instead of sending', () => {
    const result = pressEnter(at('first line\\'));
    expect(result.kind).toBe('edit');
    expect(result.state.text).toBe('first line\n');
    const sent = pressEnter(insertText(result.state, 'second'));
    expect(sent).toMatchObject({ kind: 'submit', text: 'first line\nsecond' });
    expect(sent.state.text).toBe('');
    expect(sent.state.history).toEqual(['first line\nsecond']);
  });

  it('does not send blank text', () => {
    expect(pressEnter(at('   ')).kind).toBe('edit');
  });

  it('moves between lines, and recalls history only from the first or last line', () => {
    const twoLines = at('ab\ncd', 5, ['older', 'newer']);
    const up = moveUp(twoLines);
    expect(up.text).toBe('ab\ncd');
    expect(up.cursor).toBe(2);
    const recalled = moveUp(up);
    expect(recalled.text).toBe('newer');
    expect(moveUp(recalled).text).toBe('older');
    const back = moveDown(moveDown(moveUp(recalled)));
    expect(back.text).toBe('ab\ncd');
    expect(moveDown(at('x\ny', 0, ['h'])).cursor).toBe(2);
  });

  it('completes a single candidate and lists several', () => {
    const one = applyCompletions(at('/ad'), ['/add']);
    expect(one.text).toBe('/add ');
    const directory = applyCompletions(at('/add sr'), ['src/']);
    expect(directory.text).toBe('/add src/');
    const several = applyCompletions(at('/add src/t'), ['src/tui/', 'src/telemetry/']);
    expect(several.text).toBe('/add src/t');
    expect(several.completions).toEqual(['src/tui/', 'src/telemetry/']);
    const narrowed = applyCompletions(at('/add s'), ['src/tui/', 'src/telemetry/']);
    expect(narrowed.text).toBe('/add src/t');
  });
});

function mountComposer(options: { complete?: (partial: string) => string[]; canSubmit?: boolean } = {}) {
  const sent: string[] = [];
  const app = render(
    createElement(Composer, {
      onSubmit: (text: string) => sent.push(text),
      complete: options.complete,
      active: true,
      canSubmit: options.canSubmit ?? true,
      width: 60,
      maxRows: 6,
    }),
  );
  const type = async (text: string): Promise<void> => {
    app.stdin.write(text);
    await tick();
  };
  return { sent, type, frame: () => plainFrame(app.lastFrame()) };
}

describe('Composer', () => {
  it('sends on Enter and clears', async () => {
    const { sent, type, frame } = mountComposer();
    await type('hello');
    expect(frame()).toContain('› hello');
    await type('\r');
    expect(sent).toEqual(['hello']);
    expect(frame()).not.toContain('hello');
  });

  it('inserts line breaks with a trailing backslash, Ctrl-J, Alt-Enter and kitty Shift-Enter', async () => {
    const { sent, type, frame } = mountComposer();
    await type('one\\');
    await type('\r');
    await type('two');
    await type('\n');
    await type('three');
    await type('\u001b\r');
    await type('four');
    await type('\u001b[13;2u');
    await type('five');
    expect(frame()).toContain('› one\n  two\n  three\n  four\n  five');
    await type('\r');
    expect(sent).toEqual(['one\ntwo\nthree\nfour\nfive']);
  });

  it('recalls earlier messages with Up and returns to the draft with Down', async () => {
    const { sent, type, frame } = mountComposer();
    await type('first');
    await type('\r');
    await type('second');
    await type('\r');
    await type('draft');
    await type('\u001b[A');
    expect(frame()).toContain('› second');
    await type('\u001b[A');
    expect(frame()).toContain('› first');
    await type('\u001b[B');
    await type('\u001b[B');
    expect(frame()).toContain('› draft');
    expect(sent).toEqual(['first', 'second']);
  });

  it('edits with Backspace (DEL) and keeps text while a reply is running', async () => {
    const { sent, type, frame } = mountComposer({ canSubmit: false });
    await type('abcd');
    await type('\u007f');
    await type('\r');
    expect(sent).toEqual([]);
    expect(frame()).toContain('› abc');
  });

  it('completes with Tab through the controller', async () => {
    const asked: string[] = [];
    const { type, frame } = mountComposer({
      complete: (partial) => {
        asked.push(partial);
        return partial.endsWith('/dr') ? ['/drop'] : ['src/tui/', 'src/telemetry/'];
      },
    });
    await type('/dr');
    await type('\t');
    expect(frame()).toContain('› /drop');
    await type('s');
    await type('\t');
    expect(frame()).toContain('src/tui/  src/telemetry/');
    expect(frame()).toContain('› /drop src/t');
    expect(asked).toEqual(['/dr', '/drop s']);
  });

  it('shows a window around the cursor for a tall text', async () => {
    const { type, frame } = mountComposer();
    await type(Array.from({ length: 12 }, (_, i) => `line${i}`).join('\n'));
    const shown = frame();
    expect(shown).toContain('line11');
    expect(shown).not.toContain('line0\n');
    expect(shown).toContain('(7 more lines)');
  });
});
