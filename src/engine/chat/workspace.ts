/**
 * Everything a chat needs for one repository, opened once: the session, the engine behind the
 * scheduler, the repository's files and import resolver, and the code index when one exists.
 * With the local engine (no chat) nothing heavy is built, and the commands still work.
 */
import type { InlineConfig } from '../../config/schema.js';
import { ImportResolver } from '../../context/imports.js';
import { listRepoFiles, type RepoFiles } from '../../context/repo-files.js';
import type { CodeIndex } from '../../index/code-index.js';
import { openExistingIndex } from '../../index/open.js';
import { createEngines, type EngineSet } from '../create.js';
import { Scheduler, scheduledEngine } from '../scheduler.js';
import type { Engine } from '../types.js';
import { buildChatContext, type ChatContext } from './chat-context.js';
import { ChatSession } from './chat-session.js';

export interface ChatWorkspaceOptions {
  root: string;
  git: boolean;
  config: InlineConfig;
  /** Resume a saved chat: its id, or true for the latest one. */
  resume?: string | true;
}

/** Why chat is unavailable, and what to do about it. */
export const NO_CHAT_ENGINE_ADVICE =
  'Chat needs a model; the local engine only completes code. Point inline at one: ' +
  '`--base-url http://127.0.0.1:8000/v1` (vLLM or SGLang), `--base-url http://127.0.0.1:8080/v1` (llama.cpp server), ' +
  '`--base-url http://127.0.0.1:11434/v1` (Ollama), or `--gguf model.gguf` for a local model file; ' +
  'INLINE_BASE_URL / INLINE_GGUF or .inline/config.json work too. Run `inline doctor` to check.';

export class ChatWorkspace {
  private engines: EngineSet | undefined;
  private scheduledChat: Engine | undefined;
  private files: Promise<RepoFiles> | undefined;
  private importResolver: ImportResolver | undefined;
  private index: Promise<CodeIndex | undefined> | undefined;

  private constructor(
    readonly root: string,
    readonly git: boolean,
    private config: InlineConfig,
    readonly session: ChatSession,
    readonly resumed: boolean,
  ) {}

  static async open(options: ChatWorkspaceOptions): Promise<ChatWorkspace> {
    const { root, git, config } = options;
    let session: ChatSession | undefined;
    if (options.resume !== undefined) session = ChatSession.resume(root, options.resume === true ? undefined : options.resume);
    const resumed = session !== undefined;
    session ??= ChatSession.create(root, config.model);
    const workspace = new ChatWorkspace(root, git, session.model ? { ...config, model: session.model } : config, session, resumed);
    await workspace.openEngine();
    return workspace;
  }

  private async openEngine(): Promise<void> {
    // The local engine would read the whole repository to build statistics it cannot chat with.
    if (this.config.engine === 'local') return;
    this.engines = await createEngines(this.config, { root: this.root, git: this.git });
    this.scheduledChat = scheduledEngine(this.engines.engine, new Scheduler());
  }

  /** The chat-capable engine, or undefined (see NO_CHAT_ENGINE_ADVICE). */
  /** What an edit does with the user's own uncommitted changes (config edits.dirtyFiles). */
  get dirtyFiles(): 'commit' | 'refuse' {
    return this.config.edits?.dirtyFiles ?? 'commit';
  }

  get engine(): Engine | undefined {
    if (!this.scheduledChat || !this.scheduledChat.info().chat) return undefined;
    return this.scheduledChat;
  }

  get engineName(): string {
    return this.engines?.engine.info().name ?? 'local';
  }

  get modelName(): string {
    return this.config.model ?? (this.config.engine === 'llama' ? (this.config.gguf ?? 'gguf') : this.config.engine === 'local' ? 'none' : 'server default');
  }

  get windowTokens(): number {
    return this.engine?.info().contextTokens ?? 0;
  }

  /** Switches the chat model: the engine is rebuilt with it. */
  async setModel(name: string): Promise<void> {
    const engine = this.engines?.engine as { close?: () => Promise<void> | void } | undefined;
    await Promise.allSettled([this.engines?.close(), engine?.close?.()]);
    this.engines = undefined;
    this.scheduledChat = undefined;
    this.config = { ...this.config, model: name };
    this.session.model = name;
    await this.openEngine();
  }

  repo(): Promise<RepoFiles> {
    return (this.files ??= listRepoFiles(this.root, this.git));
  }

  /** Forgets the file list, after an edit or a command that may have created files. */
  refreshFiles(): void {
    this.files = undefined;
    this.importResolver = undefined;
  }

  async resolver(): Promise<ImportResolver> {
    const repo = await this.repo();
    return (this.importResolver ??= new ImportResolver(repo));
  }

  /** The stored code index brought up to date, or undefined when the repository was never indexed. */
  codeIndex(): Promise<CodeIndex | undefined> {
    return (this.index ??= openExistingIndex({ root: this.root, git: this.git, config: this.config }).catch(() => undefined));
  }

  /** What a turn with `message` would send now. */
  async contextFor(message: string): Promise<ChatContext> {
    const window = this.windowTokens || 8192;
    const codeIndex = await this.codeIndex();
    return buildChatContext({
      repo: await this.repo(),
      resolver: await this.resolver(),
      counter: this.session.counter(),
      windowTokens: window,
      replyTokens: Math.min(4096, Math.floor(window * 0.25)),
      files: this.session.files,
      history: this.session.messages,
      message,
      ...(this.session.pendingContext ? { runOutput: this.session.pendingContext } : {}),
      ...(codeIndex ? { codeIndex } : {}),
    });
  }

  async close(): Promise<void> {
    const engine = this.engines?.engine as { close?: () => Promise<void> | void } | undefined;
    await Promise.allSettled([
      this.engines?.close(),
      // createEngines leaves the configured engine open (the daemon reuses it); a chat owns its own.
      engine?.close?.(),
      this.index?.then(async (index) => {
        if (!index) return;
        await index.save();
        await index.close();
      }),
    ]);
  }
}
