/**
 * The multi-line input. Enter sends. A line break is inserted by: a trailing `\` then Enter (every
 * terminal), Ctrl-J (every terminal: it sends a bare line feed), Alt/Option-Enter (most terminals
 * send ESC CR), and Shift-Enter where the terminal reports it distinctly (kitty keyboard protocol:
 * kitty, WezTerm, foot, Ghostty, recent iTerm2; elsewhere Shift-Enter sends a plain CR and so sends).
 * Up/Down recall history from the first/last line; Tab completes slash commands and paths.
 */
import React, { useCallback, useRef, useState } from 'react';
import { Box, Text, useInput, type Key } from 'ink';
import {
  applyCompletions,
  deleteBackward,
  emptyComposer,
  insertText,
  moveDown,
  moveHorizontal,
  moveToLineEnd,
  moveToLineStart,
  moveUp,
  pressEnter,
  lineStart,
  type ComposerState,
} from './composer-state.js';
import { breakToWidth } from './wrap.js';

const PROMPT = '› ';
const CONTINUATION = '  ';

export interface ComposerProps {
  onSubmit(text: string): void;
  complete?: (partialCommand: string) => string[];
  /** False while another element (the edit confirmation) owns the keyboard. */
  active: boolean;
  /** False while a reply is running: typing ahead works, Enter keeps the text until it is done. */
  canSubmit: boolean;
  width: number;
  /** Most screen rows the composer may take; longer texts show a window around the cursor. */
  maxRows: number;
  placeholder?: string;
  initialHistory?: string[];
}

interface Row {
  text: string;
  /** Column of the cursor inside this row, when it is here. */
  cursor?: number;
  first: boolean;
}

/** Lays the text out in screen rows, so the caller knows exactly how tall the composer is. */
export function composerRows(state: ComposerState, width: number): Row[] {
  const available = Math.max(4, width - PROMPT.length - 1);
  const rows: Row[] = [];
  let offset = 0;
  for (const line of state.text.split('\n')) {
    const chunks = breakToWidth(line, available);
    let chunkOffset = offset;
    chunks.forEach((chunk, index) => {
      const last = index === chunks.length - 1;
      const inChunk = state.cursor >= chunkOffset && (state.cursor < chunkOffset + chunk.length || (last && state.cursor === chunkOffset + chunk.length));
      rows.push({ text: chunk, cursor: inChunk ? state.cursor - chunkOffset : undefined, first: rows.length === 0 });
      chunkOffset += chunk.length;
    });
    offset += line.length + 1;
  }
  return rows;
}

function RowView({ row, showCursor }: { row: Row; showCursor: boolean }): React.JSX.Element {
  const lead = row.first ? PROMPT : CONTINUATION;
  if (row.cursor === undefined || !showCursor) return <Text>{lead + row.text}</Text>;
  const chars = Array.from(row.text.slice(row.cursor));
  const under = chars[0] ?? ' ';
  return (
    <Text>
      {lead + row.text.slice(0, row.cursor)}
      <Text inverse>{under}</Text>
      {chars.slice(1).join('')}
    </Text>
  );
}

export function Composer(props: ComposerProps): React.JSX.Element {
  const { onSubmit, complete, active, canSubmit, width, maxRows, placeholder } = props;
  const stateRef = useRef<ComposerState>(emptyComposer(props.initialHistory));
  const [state, setState] = useState(stateRef.current);
  const update = useCallback((next: ComposerState) => {
    stateRef.current = next;
    setState(next);
  }, []);

  const handle = useCallback(
    (input: string, key: Key) => {
      const current = stateRef.current;
      const newline = (key.return && (key.shift || key.meta)) || input === '\n' || (key.ctrl && input === 'j');
      if (newline) return update(insertText(current, '\n'));
      if (key.return) {
        if (!canSubmit && !current.text.slice(0, current.cursor).endsWith('\\')) return;
        const result = pressEnter(current);
        update(result.state);
        if (result.kind === 'submit') onSubmit(result.text);
        return;
      }
      if (key.tab) {
        if (complete !== undefined) update(applyCompletions(current, complete(current.text.slice(0, current.cursor))));
        return;
      }
      if (key.upArrow) return update(moveUp(current));
      if (key.downArrow) return update(moveDown(current));
      if (key.leftArrow) return update(moveHorizontal(current, -1));
      if (key.rightArrow) return update(moveHorizontal(current, 1));
      if (key.home || (key.ctrl && input === 'a')) return update(moveToLineStart(current));
      if (key.end || (key.ctrl && input === 'e')) return update(moveToLineEnd(current));
      // Most terminals send DEL (0x7f) for Backspace, which Ink reports as `delete`.
      if (key.backspace || key.delete) return update(deleteBackward(current));
      if (key.ctrl && input === 'u') {
        const start = lineStart(current.text, current.cursor);
        return update({ ...current, text: current.text.slice(0, start) + current.text.slice(current.cursor), cursor: start });
      }
      if (key.escape) return update({ ...current, completions: [] });
      if (key.ctrl || key.meta || input === '') return;
      update(insertText(current, input));
    },
    [canSubmit, complete, onSubmit, update],
  );
  useInput(handle, { isActive: active });

  const rows = composerRows(state, width);
  const cursorRow = Math.max(0, rows.findIndex((row) => row.cursor !== undefined));
  const visible = Math.max(1, maxRows - 1);
  const start = rows.length > visible ? Math.min(Math.max(0, cursorRow - visible + 1), rows.length - visible) : 0;
  const shown = rows.slice(start, start + visible);
  const hidden = rows.length - shown.length;

  return (
    <Box flexDirection="column">
      {state.completions.length > 0 ? (
        <Text dimColor wrap="truncate-end">
          {state.completions.join('  ')}
        </Text>
      ) : null}
      {state.text === '' && placeholder !== undefined ? (
        <Text>
          {PROMPT}
          {active ? <Text inverse> </Text> : null}
          <Text dimColor>{placeholder}</Text>
        </Text>
      ) : (
        shown.map((row, index) => <RowView key={start + index} row={row} showCursor={active} />)
      )}
      {hidden > 0 ? <Text dimColor>{`  (${hidden} more line${hidden === 1 ? '' : 's'})`}</Text> : null}
    </Box>
  );
}
