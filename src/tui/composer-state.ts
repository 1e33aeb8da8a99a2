/**
 * The composer's editing model, free of React so every key's effect can be tested directly:
 * a multi-line buffer with a cursor, history recall on the first/last line, and completion.
 */

export interface ComposerState {
  text: string;
  /** Offset into `text`, 0..text.length. */
  cursor: number;
  /** Earlier submissions, oldest first. */
  history: string[];
  /** Position in history while browsing; history.length means the draft being written. */
  historyIndex: number;
  /** The unsent text saved while browsing history. */
  draft: string;
  /** Candidates shown after an ambiguous Tab. */
  completions: string[];
}

export function emptyComposer(history: string[] = []): ComposerState {
  return { text: '', cursor: 0, history, historyIndex: history.length, draft: '', completions: [] };
}

function edit(state: ComposerState, text: string, cursor: number): ComposerState {
  return { ...state, text, cursor, completions: [] };
}

export function insertText(state: ComposerState, input: string): ComposerState {
  const normalized = input.replace(/\r\n?/g, '\n');
  const text = state.text.slice(0, state.cursor) + normalized + state.text.slice(state.cursor);
  return edit(state, text, state.cursor + normalized.length);
}

export function deleteBackward(state: ComposerState): ComposerState {
  if (state.cursor === 0) return state;
  const before = Array.from(state.text.slice(0, state.cursor));
  const removed = before.pop()!;
  return edit(state, before.join('') + state.text.slice(state.cursor), state.cursor - removed.length);
}

export function moveHorizontal(state: ComposerState, direction: -1 | 1): ComposerState {
  if (direction < 0) {
    if (state.cursor === 0) return state;
    const step = Array.from(state.text.slice(0, state.cursor)).pop()!.length;
    return { ...state, cursor: state.cursor - step };
  }
  if (state.cursor >= state.text.length) return state;
  const step = String.fromCodePoint(state.text.codePointAt(state.cursor)!).length;
  return { ...state, cursor: state.cursor + step };
}

export function lineStart(text: string, cursor: number): number {
  return text.lastIndexOf('\n', cursor - 1) + 1;
}

export function lineEnd(text: string, cursor: number): number {
  const end = text.indexOf('\n', cursor);
  return end < 0 ? text.length : end;
}

export function moveToLineStart(state: ComposerState): ComposerState {
  return { ...state, cursor: lineStart(state.text, state.cursor) };
}

export function moveToLineEnd(state: ComposerState): ComposerState {
  return { ...state, cursor: lineEnd(state.text, state.cursor) };
}

function recall(state: ComposerState, index: number): ComposerState {
  const draft = state.historyIndex === state.history.length ? state.text : state.draft;
  const text = index === state.history.length ? draft : state.history[index]!;
  return { ...state, text, cursor: text.length, historyIndex: index, draft, completions: [] };
}

/** Up: moves within a multi-line text, or on its first line recalls the previous submission. */
export function moveUp(state: ComposerState): ComposerState {
  const start = lineStart(state.text, state.cursor);
  if (start === 0) return state.historyIndex > 0 ? recall(state, state.historyIndex - 1) : state;
  const column = state.cursor - start;
  const previousStart = lineStart(state.text, start - 1);
  return { ...state, cursor: Math.min(previousStart + column, start - 1) };
}

/** Down: moves within a multi-line text, or on its last line steps forward through history. */
export function moveDown(state: ComposerState): ComposerState {
  const end = lineEnd(state.text, state.cursor);
  if (end === state.text.length) {
    return state.historyIndex < state.history.length ? recall(state, state.historyIndex + 1) : state;
  }
  const column = state.cursor - lineStart(state.text, state.cursor);
  const nextEnd = lineEnd(state.text, end + 1);
  return { ...state, cursor: Math.min(end + 1 + column, nextEnd) };
}

export type EnterResult = { kind: 'edit'; state: ComposerState } | { kind: 'submit'; text: string; state: ComposerState };

/**
 * Enter sends the text, except right after a trailing backslash, which becomes a line break: that
 * works in every terminal, unlike Shift-Enter.
 */
export function pressEnter(state: ComposerState): EnterResult {
  const atLineEnd = state.cursor === lineEnd(state.text, state.cursor);
  if (atLineEnd && state.cursor > 0 && state.text[state.cursor - 1] === '\\') {
    const text = `${state.text.slice(0, state.cursor - 1)}\n${state.text.slice(state.cursor)}`;
    return { kind: 'edit', state: edit(state, text, state.cursor) };
  }
  const submitted = state.text;
  if (submitted.trim() === '') return { kind: 'edit', state };
  const history = state.history[state.history.length - 1] === submitted ? state.history : [...state.history, submitted];
  return { kind: 'submit', text: submitted, state: emptyComposer(history) };
}

function commonPrefix(values: string[]): string {
  let prefix = values[0] ?? '';
  for (const value of values) {
    while (!value.startsWith(prefix)) prefix = prefix.slice(0, -1);
  }
  return prefix;
}

/**
 * Applies completion candidates for the word before the cursor: one candidate replaces it (plus a
 * space unless it is a directory), several extend it to their common prefix and are listed.
 */
export function applyCompletions(state: ComposerState, candidates: string[]): ComposerState {
  if (candidates.length === 0) return { ...state, completions: [] };
  const before = state.text.slice(0, state.cursor);
  const wordStart = Math.max(before.lastIndexOf(' '), before.lastIndexOf('\n')) + 1;
  const word = before.slice(wordStart);
  const unique = [...new Set(candidates)];
  let replacement: string;
  if (unique.length === 1) {
    replacement = unique[0]!.endsWith('/') ? unique[0]! : `${unique[0]!} `;
  } else {
    const prefix = commonPrefix(unique);
    replacement = prefix.length > word.length ? prefix : word;
  }
  const text = state.text.slice(0, wordStart) + replacement + state.text.slice(state.cursor);
  const next = edit(state, text, wordStart + replacement.length);
  return unique.length > 1 ? { ...next, completions: unique } : next;
}
