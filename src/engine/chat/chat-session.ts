/**
 * One conversation: its messages, the files added to it, the model it talks to and the last edit
 * it committed (for /undo). Saved as `.inline/chats/<id>.json` after every change, so a chat can
 * be resumed by id, or the most recent one without an id.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { estimateCounterFor, type TokenCounter } from '../../context/budget.js';
import { ensureStateDir } from '../../index/state-dir.js';
import type { Message } from '../types.js';

const FORMAT_VERSION = 1;
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,80}$/;

export interface LastEdit {
  commit: string;
  files: string[];
}

export interface ChatUsageTotals {
  promptTokens: number;
  completionTokens: number;
}

interface StoredChat {
  version: number;
  id: string;
  createdAt: string;
  updatedAt: string;
  model?: string;
  files: string[];
  messages: Message[];
  lastEdit?: LastEdit;
  pendingContext?: string;
  usage: ChatUsageTotals;
}

/** A chat that cannot be resumed: the user named one that does not exist, or its file is damaged. */
export class ChatNotFound extends Error {
  readonly exitCode = 2 as const;
  constructor(message: string) {
    super(message);
    this.name = 'ChatNotFound';
  }
}

export function chatsDir(root: string): string {
  return join(root, '.inline', 'chats');
}

function newId(now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

function isMessage(value: unknown): value is Message {
  const m = value as Message;
  return Boolean(m) && typeof m.content === 'string' && (m.role === 'user' || m.role === 'assistant' || m.role === 'system');
}

function parseStored(text: string, file: string): StoredChat {
  let data: Partial<StoredChat>;
  try {
    data = JSON.parse(text) as Partial<StoredChat>;
  } catch (error) {
    throw new ChatNotFound(`${file} is not valid JSON (${(error as Error).message}); start a new chat or delete the file.`);
  }
  if (data.version !== FORMAT_VERSION || typeof data.id !== 'string' || !Array.isArray(data.messages) || !data.messages.every(isMessage)) {
    throw new ChatNotFound(`${file} is not a chat saved by this version of inline; start a new chat or delete the file.`);
  }
  return {
    version: FORMAT_VERSION,
    id: data.id,
    createdAt: String(data.createdAt ?? ''),
    updatedAt: String(data.updatedAt ?? ''),
    ...(typeof data.model === 'string' ? { model: data.model } : {}),
    files: Array.isArray(data.files) ? data.files.filter((f): f is string => typeof f === 'string') : [],
    messages: data.messages,
    ...(data.lastEdit && typeof data.lastEdit.commit === 'string' ? { lastEdit: data.lastEdit } : {}),
    ...(typeof data.pendingContext === 'string' ? { pendingContext: data.pendingContext } : {}),
    usage: { promptTokens: Number(data.usage?.promptTokens ?? 0), completionTokens: Number(data.usage?.completionTokens ?? 0) },
  };
}

export class ChatSession {
  private readonly fileSet: Set<string>;

  private constructor(
    readonly root: string,
    private state: StoredChat,
  ) {
    this.fileSet = new Set(state.files);
  }

  static create(root: string, model?: string, now = new Date()): ChatSession {
    const at = now.toISOString();
    return new ChatSession(root, {
      version: FORMAT_VERSION,
      id: newId(now),
      createdAt: at,
      updatedAt: at,
      ...(model ? { model } : {}),
      files: [],
      messages: [],
      usage: { promptTokens: 0, completionTokens: 0 },
    });
  }

  /** The chat with this id, or the most recently updated one when `id` is undefined (undefined if there is none). */
  static resume(root: string, id?: string): ChatSession | undefined {
    const dir = chatsDir(root);
    if (id !== undefined) {
      if (!ID_PATTERN.test(id)) throw new ChatNotFound(`"${id}" is not a chat id; ids look like 20250101-120000-a1b2c3 (see .inline/chats/).`);
      const file = join(dir, `${id}.json`);
      if (!existsSync(file)) throw new ChatNotFound(`There is no chat "${id}" in ${dir}.`);
      return new ChatSession(root, parseStored(readFileSync(file, 'utf8'), file));
    }
    if (!existsSync(dir)) return undefined;
    let latest: StoredChat | undefined;
    for (const name of readdirSync(dir)) {
      if (!name.endsWith('.json')) continue;
      try {
        const stored = parseStored(readFileSync(join(dir, name), 'utf8'), name);
        if (!latest || stored.updatedAt > latest.updatedAt) latest = stored;
      } catch {
        // A damaged chat is skipped here; naming it explicitly reports the problem.
      }
    }
    return latest ? new ChatSession(root, latest) : undefined;
  }

  get id(): string {
    return this.state.id;
  }

  get model(): string | undefined {
    return this.state.model;
  }

  set model(name: string | undefined) {
    if (name) this.state.model = name;
    else delete this.state.model;
  }

  get messages(): readonly Message[] {
    return this.state.messages;
  }

  get files(): string[] {
    return [...this.fileSet].sort();
  }

  get lastEdit(): LastEdit | undefined {
    return this.state.lastEdit;
  }

  set lastEdit(edit: LastEdit | undefined) {
    if (edit) this.state.lastEdit = edit;
    else delete this.state.lastEdit;
  }

  /** Text (such as /run output) to put in front of the next message. */
  get pendingContext(): string | undefined {
    return this.state.pendingContext;
  }

  set pendingContext(text: string | undefined) {
    if (text) this.state.pendingContext = text;
    else delete this.state.pendingContext;
  }

  get usage(): ChatUsageTotals {
    return this.state.usage;
  }

  counter(): TokenCounter {
    return estimateCounterFor(this.state.model);
  }

  hasFile(path: string): boolean {
    return this.fileSet.has(path);
  }

  addFile(path: string): boolean {
    if (this.fileSet.has(path)) return false;
    this.fileSet.add(path);
    return true;
  }

  dropFile(path: string): boolean {
    return this.fileSet.delete(path);
  }

  append(message: Message): void {
    this.state.messages.push(message);
  }

  addUsage(usage: { promptTokens: number; completionTokens: number }): void {
    this.state.usage.promptTokens += usage.promptTokens;
    this.state.usage.completionTokens += usage.completionTokens;
  }

  /** Forgets the conversation but keeps the files in the chat (Aider's /clear). */
  clearMessages(): void {
    this.state.messages = [];
    delete this.state.pendingContext;
  }

  /** Estimated tokens of the conversation so far. */
  historyTokens(counter = this.counter()): number {
    return this.state.messages.reduce((sum, message) => sum + counter.count(message.content) + 4, 0);
  }

  isEmpty(): boolean {
    const s = this.state;
    return s.messages.length === 0 && this.fileSet.size === 0 && !s.lastEdit && !s.pendingContext;
  }

  path(): string {
    return join(chatsDir(this.root), `${this.state.id}.json`);
  }

  /** Writes the chat atomically: a temp file in the same directory, then a rename. */
  save(now = new Date()): void {
    // A one-off command (`inline chat -m /help`) should not leave an empty chat behind.
    if (this.isEmpty() && !existsSync(this.path())) return;
    ensureStateDir(this.root);
    const dir = chatsDir(this.root);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.state.updatedAt = now.toISOString();
    this.state.files = this.files;
    const target = this.path();
    const temp = `${target}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
    try {
      writeFileSync(temp, `${JSON.stringify(this.state, null, 2)}\n`, { mode: 0o600 });
      renameSync(temp, target);
    } catch (error) {
      rmSync(temp, { force: true });
      throw error;
    }
  }
}
