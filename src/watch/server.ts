/**
 * The LSP side of `inline watch`: lifecycle, text synchronisation, inline completions, pushes
 * and feedback, for any number of editor connections over one completion service. Each
 * connection has its own documents (two editors may hold different unsaved buffers of a file);
 * the engines, cache, index and telemetry are shared.
 */
import type { CompletionService } from '../engine/complete/service.js';
import { ClientSession } from './client-session.js';
import { FeedbackTracker } from './feedback.js';
import {
  ACCEPT_COMMAND,
  INLINE_COMPLETION_TRIGGER,
  type AcceptArgs,
  type FeedbackParams,
  type Position,
} from './protocol.js';
import { RpcError, type RpcConnection } from './rpc.js';

export interface WatchServerOptions {
  root: string;
  service: CompletionService;
  version: string;
  log: (message: string) => void;
  /** Called when an editor sends work (opens, edits, asks for a completion). */
  onActivity?: () => void;
}

const SERVER_NOT_INITIALIZED = -32002;
const INVALID_REQUEST = -32600;
const INVALID_PARAMS = -32602;

interface TextDocumentItem {
  uri: string;
  languageId: string;
  version: number;
  text: string;
}

export class WatchServer {
  readonly feedback: FeedbackTracker;
  private readonly sessions = new Set<ClientSession>();
  private readonly connected = new Set<RpcConnection>();

  constructor(private readonly options: WatchServerOptions) {
    this.feedback = new FeedbackTracker(options.service.telemetry);
  }

  /** Serves one connection until it closes; `onExit` hears the `exit` notification. */
  attach(connection: RpcConnection, onExit?: (afterShutdown: boolean) => void): void {
    const session = new ClientSession({
      root: this.options.root,
      pipeline: this.options.service.pipeline,
      feedback: this.feedback,
      push: (params) => connection.sendNotification('inline/suggestion', params),
      log: this.options.log,
    });
    this.sessions.add(session);
    this.connected.add(connection);
    let state: 'new' | 'running' | 'shut-down' = 'new';
    const ready = () => {
      if (state === 'new') throw new RpcError(SERVER_NOT_INITIALIZED, 'the server is not initialized: send initialize first');
      if (state === 'shut-down') throw new RpcError(INVALID_REQUEST, 'the server is shut down: only exit is accepted');
    };
    const whenReady = <P>(handler: (params: P) => void) => (params: P) => {
      if (state === 'running') handler(params);
    };

    connection.onRequest('initialize', () => {
      if (state !== 'new') throw new RpcError(INVALID_REQUEST, 'initialize was already received');
      state = 'running';
      return {
        capabilities: {
          positionEncoding: 'utf-16',
          textDocumentSync: { openClose: true, change: 2, save: { includeText: false } },
          inlineCompletionProvider: {},
          executeCommandProvider: { commands: [ACCEPT_COMMAND] },
        },
        serverInfo: { name: 'inline', version: this.options.version },
      };
    });
    connection.onNotification('initialized', () => undefined);
    connection.onRequest('shutdown', () => {
      ready();
      state = 'shut-down';
      session.dispose();
      return null;
    });
    connection.onNotification('exit', () => {
      const afterShutdown = state === 'shut-down';
      session.dispose();
      connection.close();
      onExit?.(afterShutdown);
    });

    connection.onNotification('textDocument/didOpen', whenReady((p: { textDocument: TextDocumentItem }) => {
      const d = p.textDocument;
      this.options.onActivity?.();
      this.guard(() => session.didOpen(d.uri, d.languageId, d.version, d.text), 'didOpen');
    }));
    connection.onNotification('textDocument/didChange', whenReady((p: { textDocument: { uri: string; version: number }; contentChanges: never[] }) => {
      this.options.onActivity?.();
      this.guard(() => session.didChange(p.textDocument.uri, p.textDocument.version, p.contentChanges), 'didChange');
    }));
    connection.onNotification('textDocument/didClose', whenReady((p: { textDocument: { uri: string } }) => {
      this.guard(() => session.didClose(p.textDocument.uri), 'didClose');
    }));
    connection.onNotification('textDocument/didSave', () => undefined);

    connection.onRequest('textDocument/inlineCompletion', (params: unknown, signal: AbortSignal) => {
      ready();
      this.options.onActivity?.();
      const p = params as { textDocument?: { uri?: unknown }; position?: Position; context?: { triggerKind?: number } };
      if (typeof p?.textDocument?.uri !== 'string' || !isPosition(p.position)) throw new RpcError(INVALID_PARAMS, 'inlineCompletion needs textDocument.uri and position');
      const trigger = p.context?.triggerKind === INLINE_COMPLETION_TRIGGER.automatic ? 'automatic' : 'invoked';
      return session.inlineCompletion(p.textDocument.uri, p.position, trigger, signal);
    });
    connection.onRequest('workspace/executeCommand', (params: unknown) => {
      ready();
      const p = params as { command?: string; arguments?: AcceptArgs[] };
      if (p?.command !== ACCEPT_COMMAND) throw new RpcError(INVALID_PARAMS, `unknown command ${String(p?.command)}; the server offers ${ACCEPT_COMMAND}`);
      const args = p.arguments?.[0];
      if (typeof args?.id === 'string') this.feedback.didAccept(args.id, typeof args.index === 'number' ? args.index : undefined);
      return null;
    });
    connection.onNotification('inline/didShowCompletion', whenReady((p: FeedbackParams) => typeof p?.id === 'string' && this.feedback.didShow(p.id)));
    connection.onNotification('inline/didPartiallyAcceptCompletion', whenReady((p: FeedbackParams) => typeof p?.id === 'string' && this.feedback.didPartiallyAccept(p.id, p.acceptedLength)));
    connection.onNotification('inline/didRejectCompletion', whenReady((p: FeedbackParams) => typeof p?.id === 'string' && this.feedback.didReject(p.id)));

    connection.onClose(() => {
      session.dispose();
      this.sessions.delete(session);
      this.connected.delete(connection);
    });
  }

  get connections(): number {
    return this.sessions.size;
  }

  /** Sends a notification to every connected editor (e.g. `inline/answer`). */
  broadcast(method: string, params: unknown): void {
    for (const connection of this.connected) {
      this.guard(() => connection.sendNotification(method, params), method);
    }
  }

  dispose(): void {
    for (const session of this.sessions) session.dispose();
    this.sessions.clear();
    this.connected.clear();
    this.feedback.dispose();
  }

  /** A notification cannot be answered with an error: a bad one is logged and dropped. */
  private guard(work: () => void, what: string): void {
    try {
      work();
    } catch (error) {
      this.options.log(`${what} ignored: ${(error as Error).message}`);
    }
  }
}

function isPosition(value: unknown): value is Position {
  const p = value as Position | undefined;
  return Number.isInteger(p?.line) && Number.isInteger(p?.character) && p!.line >= 0 && p!.character >= 0;
}
