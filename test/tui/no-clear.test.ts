import { describe, expect, it } from 'vitest';
import { renderChat } from '../../src/tui/render.js';
import { stripAnsi } from '../../src/tui/ansi.js';
import { FakeController, sampleTokens, streamTokens } from './fake-controller.js';
import { asStreams, FakeTerminalInput, FakeTerminalOutput } from './fake-terminal.js';
import { FULL_SCREEN_CLEARS, tick, waitFor } from './support.js';

describe('rendered session output', () => {
  it('never clears the whole screen while streaming 2,000 tokens into a 24-row terminal', async () => {
    const tokens = [...sampleTokens(1999), 'THE-END'];
    const controller = new FakeController({ reply: (_t, _c, signal) => streamTokens(tokens, signal, 1, 4) });
    const output = new FakeTerminalOutput(80, 24);
    const input = new FakeTerminalInput();
    const exitCode = renderChat(controller, { ...asStreams(output, input), color: true });

    await tick(30);
    input.type('write a long answer');
    await tick();
    input.type('\r');
    await waitFor(() => stripAnsi(output.output).includes('THE-END'), 'the end of the stream', 20_000);
    await waitFor(() => !stripAnsi(output.chunks.slice(-3).join('')).includes('Waiting'), 'the reply to settle');
    await tick(50);
    input.type('\u0003');
    await expect(exitCode).resolves.toBe(0);

    const raw = output.output;
    for (const clear of FULL_SCREEN_CLEARS) expect(raw.includes(clear), JSON.stringify(clear)).toBe(false);
    // The answer is far taller than the terminal, so the live region had to be cut to fit.
    expect(raw).toContain('lines above, in full when the answer is done');
  }, 30_000);
});
