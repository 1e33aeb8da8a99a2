/**
 * The contract between the chat TUI and whatever drives it (the chat engine, or a fake in tests).
 * Plain TypeScript on purpose: the engine side implements it without importing Ink or React.
 */

export interface StatusInfo {
  model: string;
  engine: string;
  /** Tokens the next request would send (files, repository map, history). */
  contextTokens: number;
  /** The model's context window, in tokens; 0 when unknown. */
  windowTokens: number;
  /** Repository-relative paths of the files added to the chat. */
  files: string[];
  busy: boolean;
  /**
   * False when no chat-capable engine is configured (the local engine has no chat). The TUI then
   * explains how to configure one, and still forwards slash commands to `submit`.
   */
  chatAvailable: boolean;
}

export interface ChatUsage {
  promptTokens: number;
  completionTokens: number;
}

export type ChatEvent =
  | { type: 'delta'; text: string }
  | { type: 'notice'; text: string }
  /** A proposed edit as a unified diff; the TUI asks y/n and answers through `confirmEdit`. */
  | { type: 'edit-preview'; diff: string; files: string[] }
  | { type: 'done'; usage?: ChatUsage }
  | { type: 'error'; message: string };

export interface ChatController {
  info(): StatusInfo;
  /**
   * Handles one composer submission: a chat message or a slash command. The iterable ends after
   * `done` or `error`, or soon after `cancel()`.
   */
  submit(text: string): AsyncIterable<ChatEvent>;
  /** Stops the running submission; its iterable should end promptly. */
  cancel(): void;
  /**
   * Completion candidates for the last whitespace-separated word of `partialCommand` (the composer
   * text up to the cursor), e.g. `/ad` → [`/add`], `/add src/t` → [`src/tui/`, `src/telemetry/`].
   * Each candidate replaces that word.
   */
  complete?(partialCommand: string): string[];
  /**
   * The user's answer to the latest `edit-preview`. The submission's iterable is expected to wait
   * for it before applying (or discarding) the edit and continuing.
   */
  confirmEdit?(accepted: boolean): void;
}
