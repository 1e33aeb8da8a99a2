/**
 * `inline chat`: the chat TUI on a terminal; with -m (or a message piped on stdin), one turn for
 * scripts: the reply is printed, edits are applied only with --yes, and the exit code says
 * whether an edit failed.
 */
import { colorEnabled } from './style.js';
import { readFileSync } from 'node:fs';
import { isCommand, runCommand } from '../engine/chat/commands.js';
import { runTurn, type TurnResult } from '../engine/chat/turn.js';
import { ChatWorkspace, NO_CHAT_ENGINE_ADVICE } from '../engine/chat/workspace.js';
import type { CommandContext } from './command-context.js';
import { UsageError } from './usage-error.js';

interface ChatOptions {
  message?: string;
  yes?: boolean;
  resume?: string | boolean;
}

function readPipedMessage(): string {
  try {
    return readFileSync(0, 'utf8').trim();
  } catch {
    return '';
  }
}

export async function run(context: CommandContext, _args: string[], options: Record<string, unknown>): Promise<number> {
  const opts = options as ChatOptions;
  const interactive = process.stdin.isTTY === true && process.stdout.isTTY === true;
  let message = opts.message?.trim();
  if (message === undefined && !interactive) {
    message = process.stdin.isTTY ? '' : readPipedMessage();
    if (message === '') throw new UsageError('chat needs a message when not on a terminal: inline chat -m "…", or pipe the message on stdin');
  }
  if (message === '') throw new UsageError('-m needs a non-empty message');
  const { root, git } = context.root();
  const resume = opts.resume === true ? true : typeof opts.resume === 'string' ? opts.resume : undefined;
  const workspace = await ChatWorkspace.open({ root, git, config: context.config().config, ...(resume !== undefined ? { resume } : {}) });
  try {
    if (message === undefined) {
      const { WorkspaceController } = await import('../engine/chat/controller.js');
      const color = colorEnabled(process.stdout, context.env, context.options.color);
      // Ink's colours come from chalk, which reads FORCE_COLOR but not NO_COLOR: decide for it
      // before Ink loads.
      if (!color) process.env.FORCE_COLOR = '0';
      const { loadChatRenderer } = await import('../tui/load-ink.js');
      const { renderChat } = await loadChatRenderer();
      return await renderChat(new WorkspaceController(workspace, { autoYes: opts.yes === true }), { stdout: process.stdout, stdin: process.stdin, color });
    }
    return await runOnce(context, workspace, message, opts.yes === true);
  } finally {
    await workspace.close();
  }
}

async function runOnce(context: CommandContext, workspace: ChatWorkspace, message: string, autoYes: boolean): Promise<number> {
  const { output } = context;
  const json = context.options.json === true;
  if (isCommand(message)) {
    const result = await runCommand(workspace, message);
    if (json) output.json({ chat: workspace.session.id, command: message, ok: result.ok, output: result.text });
    else if (result.ok) output.out(result.text);
    else output.err(result.text);
    return result.ok ? 0 : 1;
  }
  const engine = workspace.engine;
  if (!engine) throw new UsageError(NO_CHAT_ENGINE_ADVICE);

  const abort = new AbortController();
  const onSigint = () => abort.abort();
  process.once('SIGINT', onSigint);
  const notes: string[] = [];
  let result: TurnResult;
  try {
    const turn = runTurn({
      engine,
      session: workspace.session,
      root: workspace.root,
      repo: await workspace.repo(),
      resolver: await workspace.resolver(),
      ...(await workspace.codeIndex().then((codeIndex) => (codeIndex ? { codeIndex } : {}))),
      message,
      signal: abort.signal,
      autoYes,
      dirty: workspace.dirtyFiles,
      confirm: async () => {
        notes.push('The edit was not applied; run again with --yes to apply edits.');
        return false;
      },
    });
    let step = await turn.next();
    let atLineStart = true;
    while (!step.done) {
      const event = step.value;
      if (event.type === 'delta' && !json) {
        process.stdout.write(event.text);
        atLineStart = event.text.endsWith('\n');
      } else if (event.type !== 'delta') {
        if (!json && !atLineStart) {
          process.stdout.write('\n');
          atLineStart = true;
        }
        if (event.type === 'edit-preview' && !json) output.err(event.diff);
        else if (event.type === 'notice') notes.push(event.text);
        else if (event.type === 'edit-failed' && !json) output.err(`${event.feedback}\n${event.willRetry ? '(asking the model to fix it)' : '(giving up)'}`);
        else if (event.type === 'applied' && !json) {
          output.out(`Applied ${event.edit.files.join(', ')}${event.edit.commit ? ` in commit ${event.edit.commit.slice(0, 10)}` : ''}.`);
        }
      }
      step = await turn.next();
    }
    result = step.value;
    if (!json && !atLineStart) process.stdout.write('\n');
  } finally {
    process.off('SIGINT', onSigint);
    workspace.session.save();
  }
  if (json) {
    output.json({
      chat: workspace.session.id,
      reply: result.replies[result.replies.length - 1] ?? '',
      attempts: result.replies.length,
      applied: result.applied,
      editFailed: result.editFailed,
      cancelled: result.cancelled,
      usage: result.usage,
      notes,
    });
  } else {
    for (const note of notes) output.err(note);
  }
  if (result.cancelled) return 130;
  return result.editFailed ? 1 : 0;
}
