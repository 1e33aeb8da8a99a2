/**
 * The TUI's ChatController over a ChatWorkspace: slash commands run locally, anything else is a
 * turn with the model. Edit previews wait for the user's answer through confirmEdit.
 */
import type { ChatController, ChatEvent, StatusInfo } from '../../tui/controller.js';
import { completeCommand, isCommand, runCommand } from './commands.js';
import { runTurn, type TurnEvent } from './turn.js';
import { NO_CHAT_ENGINE_ADVICE, type ChatWorkspace } from './workspace.js';

export interface WorkspaceControllerOptions {
  /** Apply edits without asking. */
  autoYes?: boolean;
}

function describeApplied(event: Extract<TurnEvent, { type: 'applied' }>): string {
  const files = event.edit.files.join(', ');
  return event.edit.commit ? `Applied to ${files}; committed ${event.edit.commit.slice(0, 10)} (/undo reverts it).` : `Applied to ${files}.`;
}

export class WorkspaceController implements ChatController {
  private abort = new AbortController();
  private busy = false;
  private contextTokens = 0;
  private knownFiles: string[] = [];
  private answerEdit: ((accepted: boolean) => void) | undefined;
  /** An answer given right after the preview was yielded, before the turn started waiting for it. */
  private earlyAnswer: boolean | undefined;

  constructor(
    private readonly workspace: ChatWorkspace,
    private readonly options: WorkspaceControllerOptions = {},
  ) {
    void this.refreshStatus();
  }

  info(): StatusInfo {
    return {
      model: this.workspace.modelName,
      engine: this.workspace.engineName,
      contextTokens: this.contextTokens,
      windowTokens: this.workspace.windowTokens,
      files: this.workspace.session.files,
      busy: this.busy,
      chatAvailable: this.workspace.engine !== undefined,
    };
  }

  submit(text: string): AsyncIterable<ChatEvent> {
    this.abort = new AbortController();
    this.earlyAnswer = undefined;
    return this.handle(text, this.abort.signal);
  }

  cancel(): void {
    this.abort.abort();
    this.confirmEdit(false);
  }

  complete(partialCommand: string): string[] {
    return completeCommand(partialCommand, this.knownFiles, this.workspace.session.files);
  }

  confirmEdit(accepted: boolean): void {
    const answer = this.answerEdit;
    this.answerEdit = undefined;
    if (answer) answer(accepted);
    else this.earlyAnswer = accepted;
  }

  private waitForAnswer(): Promise<boolean> {
    const early = this.earlyAnswer;
    this.earlyAnswer = undefined;
    if (early !== undefined) return Promise.resolve(early);
    return new Promise<boolean>((resolve) => (this.answerEdit = resolve));
  }

  private async refreshStatus(): Promise<void> {
    try {
      const repo = await this.workspace.repo();
      this.knownFiles = [...repo.files];
      this.contextTokens = (await this.workspace.contextFor('')).tokens;
    } catch {
      // The status bar is a hint; a failure to estimate leaves the last figure.
    }
  }

  private async *handle(text: string, signal: AbortSignal): AsyncGenerator<ChatEvent> {
    this.busy = true;
    try {
      if (isCommand(text)) {
        const result = await runCommand(this.workspace, text);
        yield result.ok ? { type: 'notice', text: result.text } : { type: 'error', message: result.text };
        if (result.ok) yield { type: 'done' };
        return;
      }
      const engine = this.workspace.engine;
      if (!engine) {
        yield { type: 'error', message: NO_CHAT_ENGINE_ADVICE };
        return;
      }
      const turn = runTurn({
        engine,
        session: this.workspace.session,
        root: this.workspace.root,
        repo: await this.workspace.repo(),
        resolver: await this.workspace.resolver(),
        ...(await this.codeIndexOption()),
        message: text,
        signal,
        autoYes: this.options.autoYes === true,
        dirty: this.workspace.dirtyFiles,
        confirm: () => this.waitForAnswer(),
      });
      let step = await turn.next();
      while (!step.done) {
        const event = step.value;
        if (event.type === 'applied') {
          this.workspace.refreshFiles();
          yield { type: 'notice', text: describeApplied(event) };
        } else if (event.type === 'edit-failed') {
          yield { type: 'notice', text: `${event.feedback}\n${event.willRetry ? 'Asking the model to fix it...' : 'Giving up on the failed blocks.'}` };
        } else {
          yield event;
        }
        step = await turn.next();
      }
      yield { type: 'done', usage: step.value.usage };
    } catch (error) {
      yield { type: 'error', message: error instanceof Error ? error.message : String(error) };
    } finally {
      this.busy = false;
      this.answerEdit = undefined;
      try {
        this.workspace.session.save();
      } catch {
        // Losing the saved copy must not lose the reply on screen; the next save retries.
      }
      await this.refreshStatus();
    }
  }

  private async codeIndexOption(): Promise<{ codeIndex?: NonNullable<Awaited<ReturnType<ChatWorkspace['codeIndex']>>> }> {
    const index = await this.workspace.codeIndex();
    return index ? { codeIndex: index } : {};
  }
}
