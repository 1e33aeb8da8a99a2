/**
 * The chat app's root. Finished output goes to <Static> (printed once, then ordinary scrollback);
 * only the live region below it re-renders: the streaming answer, the spinner or edit question,
 * the composer and the status bar. The live region is kept shorter than the terminal, because Ink
 * clears the whole screen when it is not.
 */
import React from 'react';
import { Box, useApp, useInput, useStdout } from 'ink';
import type { ChatController } from './controller.js';
import { Composer } from './composer.js';
import { EditConfirm } from './diff-view.js';
import { Spinner } from './spinner.js';
import { StaticHistory } from './static-history.js';
import { StatusBar } from './status-bar.js';
import { StreamingMessage } from './streaming-message.js';
import { useChatSession } from './use-chat-session.js';
import { useTerminalSize } from './terminal-size.js';

export interface ChatViewProps {
  controller: ChatController;
  /** Whether Markdown and diffs are coloured; Ink's own components follow chalk's detection. */
  color: boolean;
}

/** Rows of the live region besides the streaming text: spinner or question, completions, status, slack. */
const FIXED_LIVE_ROWS = 4;
const MAX_COMPOSER_ROWS = 8;

export function liveLayout(rows: number | undefined): { composerRows: number; streamRows: number } {
  if (rows === undefined) return { composerRows: MAX_COMPOSER_ROWS, streamRows: Number.POSITIVE_INFINITY };
  const composerRows = Math.max(2, Math.min(MAX_COMPOSER_ROWS, Math.floor(rows / 4)));
  return { composerRows, streamRows: Math.max(2, rows - composerRows - FIXED_LIVE_ROWS) };
}

export function ChatView({ controller, color }: ChatViewProps): React.JSX.Element {
  const { exit } = useApp();
  const { stdout } = useStdout();
  const { columns, rows } = useTerminalSize(stdout);
  const session = useChatSession(controller);
  const width = Math.max(20, columns - 1);
  const layout = liveLayout(rows);

  useInput((input, key) => {
    if (!(key.ctrl && input === 'c')) return;
    // The first Ctrl-C stops a running reply; Ctrl-C with nothing running leaves the app.
    if (!session.cancel()) exit();
  });

  const onSubmit = (text: string): void => {
    const command = text.trim();
    if (command === '/exit' || command === '/quit') {
      session.cancel();
      exit();
      return;
    }
    session.submit(text);
  };

  const status = controller.info();
  const { phase } = session;
  const placeholder = status.chatAvailable ? 'Ask about the code, or /help' : 'Slash commands work without an engine: /help';

  return (
    <>
      <StaticHistory entries={session.entries} width={width} color={color} />
      <Box flexDirection="column">
        {session.streamText !== '' ? (
          <StreamingMessage text={session.streamText} width={width} color={color} maxRows={layout.streamRows} />
        ) : null}
        {phase.kind === 'waiting' ? <Spinner label="Waiting for the model" /> : null}
        {phase.kind === 'confirm' ? <EditConfirm files={phase.files} onAnswer={session.answerEdit} /> : null}
        <Composer
          onSubmit={onSubmit}
          complete={controller.complete?.bind(controller)}
          active={phase.kind !== 'confirm'}
          canSubmit={!session.busy}
          width={width}
          maxRows={layout.composerRows}
          placeholder={placeholder}
        />
        <StatusBar status={{ ...status, busy: status.busy || session.busy }} lastUsage={session.lastUsage} />
      </Box>
    </>
  );
}
