/**
 * The entry the CLI calls (through a dynamic import, so Ink and React load only for the chat).
 * Resolves with the process exit code once the user leaves.
 */
import { createElement } from 'react';
import { render } from 'ink';
import type { ChatController } from './controller.js';
import { ChatView } from './chat-view.js';

export interface RenderChatStreams {
  stdout: NodeJS.WriteStream;
  stdin: NodeJS.ReadStream;
  stderr?: NodeJS.WriteStream;
  /** Defaults to: a terminal, and neither NO_COLOR nor TERM=dumb set (FORCE_COLOR overrides). */
  color?: boolean;
  /** Called after every frame Ink renders, with how long the frame took; for the bench and diagnostics. */
  onRender?: (metrics: { renderTime: number }) => void;
}

/** Frames per second Ink may write; matches the ~16 ms at which streamed text is published. */
export const MAX_FPS = 60;

export function colorFor(stream: { isTTY?: boolean }, env: Record<string, string | undefined>): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '') return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  if (env.TERM === 'dumb') return false;
  return stream.isTTY === true;
}

export async function renderChat(controller: ChatController, streams: RenderChatStreams): Promise<number> {
  const stderr = streams.stderr ?? process.stderr;
  const color = streams.color ?? colorFor(streams.stdout, process.env);
  const instance = render(createElement(ChatView, { controller, color }), {
    stdout: streams.stdout,
    stdin: streams.stdin,
    stderr,
    // Ctrl-C is the app's: it first cancels a running reply.
    exitOnCtrlC: false,
    patchConsole: false,
    maxFps: MAX_FPS,
    onRender: streams.onRender,
    // Lets terminals that support it report Shift-Enter distinctly (a newline in the composer).
    kittyKeyboard: { mode: 'auto' },
  });
  try {
    await instance.waitUntilExit();
    return 0;
  } catch (error) {
    stderr.write(`inline chat: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  } finally {
    instance.cleanup();
  }
}
