import { describe, expect, it } from 'vitest';
import { loadChatRenderer } from '../../src/tui/load-ink.js';
import { stripAnsi } from '../../src/tui/ansi.js';
import type { ChatEvent } from '../../src/tui/controller.js';
import { FakeController, sampleTokens, streamTokens } from './fake-controller.js';
import { asStreams, FakeTerminalInput, FakeTerminalOutput } from './fake-terminal.js';
import { FULL_SCREEN_CLEARS, tick, waitFor } from './support.js';

const HIDDEN_NOTE = 'lines above, in full when the answer is done';

describe('rendered session output', () => {
  it('never clears the whole screen while streaming 2,000 tokens into a 24-row terminal', async () => {
    const tokens = [...sampleTokens(1999), 'THE-END'];
    let openGate: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (openGate = resolve));
    // The stream pauses halfway, so the frame drawn mid-answer is checked whatever the machine's load.
    async function* reply(signal: AbortSignal): AsyncGenerator<ChatEvent> {
      for await (const event of streamTokens(tokens.slice(0, 1000), signal, 1, 4)) if (event.type === 'delta') yield event;
      await gate;
      yield* streamTokens(tokens.slice(1000), signal, 1, 4);
    }
    const controller = new FakeController({ reply: (_t, _c, signal) => reply(signal) });
    const output = new FakeTerminalOutput(80, 24);
    const input = new FakeTerminalInput();
    // As `inline chat` does, so that a CI machine's CI variable does not turn Ink's live frames off.
    const { renderChat } = await loadChatRenderer();
    const exitCode = renderChat(controller, { ...asStreams(output, input), color: true });

    // Typing before Ink listens, or Enter in the same read as the text, would lose the message on a loaded machine.
    await waitFor(() => stripAnsi(output.output).includes('Ask about the code'), 'the composer', 20_000);
    await tick(30);
    input.type('write a long answer');
    await waitFor(() => stripAnsi(output.output).includes('write a long answer'), 'the typed text', 20_000);
    await tick(30);
    input.type('\r');
    await waitFor(() => controller.submissions.length === 1, 'the message to be sent', 20_000);
    // The answer is far taller than the terminal, so the live region has to be cut to fit.
    await waitFor(() => stripAnsi(output.output).includes(HIDDEN_NOTE), 'the note about hidden lines', 20_000);
    openGate();
    await waitFor(() => stripAnsi(output.output).includes('THE-END'), 'the end of the stream', 20_000);
    await waitFor(() => !stripAnsi(output.chunks.slice(-3).join('')).includes('Waiting'), 'the reply to settle');
    await tick(50);
    input.type('\u0003');
    await expect(exitCode).resolves.toBe(0);

    const raw = output.output;
    for (const clear of FULL_SCREEN_CLEARS) expect(raw.includes(clear), JSON.stringify(clear)).toBe(false);
    // Once done, the whole answer is printed into scrollback.
    expect(stripAnsi(raw)).toContain('words wrap THE-END');
  }, 40_000);
});
