/**
 * Acts on AI comments in files saved to disk (Aider's watch mode): an `AI!` comment becomes one
 * chat turn that edits the file and commits the edit, an `AI?` comment becomes a question whose
 * answer goes to the log and to every connected editor. Each comment is acted on once (by path
 * and line text), ignored and secret files never, and the daemon's own writes are recognised by
 * their content hash so an edit cannot trigger itself.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import type { InlineConfig } from '../config/schema.js';
import { ImportResolver } from '../context/imports.js';
import { listRepoFiles, type RepoFiles } from '../context/repo-files.js';
import { ChatSession } from '../engine/chat/chat-session.js';
import { runTurn, type TurnEvent, type TurnResult } from '../engine/chat/turn.js';
import { NO_CHAT_ENGINE_ADVICE } from '../engine/chat/workspace.js';
import { writeAllOrNothing } from '../engine/edits/write.js';
import { Scheduler, scheduledEngine } from '../engine/scheduler.js';
import type { Engine } from '../engine/types.js';
import { isSecretPath } from '../index/walk.js';
import { findAiComments, type AiComment } from './ai-comments.js';
import { describeSurroundings } from './ai-comment-prompt.js';
import type { FileChange } from './repo-watcher.js';

const runGit = promisify(execFile);

/** Pushed to every editor as `inline/answer`. */
export interface AnswerNotification {
  uri: string;
  /** 0-based line of the `AI?` comment. */
  line: number;
  question: string;
  answer: string;
}

export interface AiCommentRunnerOptions {
  root: string;
  git: boolean;
  config: InlineConfig;
  /** The configured engine; used only when it can chat. */
  engine: Engine;
  notify: (answer: AnswerNotification) => void;
  log: (message: string) => void;
}

const hash = (...parts: string[]) => createHash('sha256').update(parts.join('\0')).digest('hex');

/** Writes of its own the runner remembers, to ignore their change events. */
const MAX_OWN_WRITES = 256;

export class AiCommentRunner {
  /** Comments already acted on, by path and line text. */
  private readonly handled = new Set<string>();
  /** Contents this runner wrote, by path and text: their change events are its own. */
  private readonly ownWrites = new Set<string>();
  /** Files whose AI comments were met without a chat engine: the advice is given once each. */
  private readonly advised = new Set<string>();
  private readonly abort = new AbortController();
  /** Bounded: a write whose change event never arrives must not be remembered forever. */
  private rememberOwnWrite(key: string): void {
    this.ownWrites.add(key);
    if (this.ownWrites.size > MAX_OWN_WRITES) this.ownWrites.delete(this.ownWrites.values().next().value!);
  }

  private chat: Engine | undefined;
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly options: AiCommentRunnerOptions) {}

  /** Queues a settled batch of changes; turns run one at a time, in the order the saves came. */
  filesChanged(changes: FileChange[]): Promise<void> {
    this.queue = this.queue.then(() => this.process(changes)).catch((error: unknown) => this.options.log(`AI comments: ${(error as Error).message}`));
    return this.queue;
  }

  /** Stops a running turn and waits for the queue to drain. */
  async close(): Promise<void> {
    this.abort.abort();
    await this.queue;
  }

  private async process(changes: FileChange[]): Promise<void> {
    for (const { path, text } of changes) {
      if (this.abort.signal.aborted) return;
      if (text === undefined || isSecretPath(path)) continue;
      if (this.ownWrites.delete(hash(path, text))) continue;
      const comments = findAiComments(path, text);
      const fresh = comments.filter((c) => c.kind !== 'note' && !this.handled.has(hash(path, c.lineText)));
      if (fresh.length === 0) continue;
      // git's file list leaves out ignored files; outside git the walk skips tools' directories.
      const repo = await listRepoFiles(this.options.root, this.options.git);
      if (!repo.files.has(path)) continue;
      const engine = this.chatEngine();
      if (!engine) {
        if (!this.advised.has(path)) this.options.log(`AI comments in ${path} need a chat model. ${NO_CHAT_ENGINE_ADVICE}`);
        this.advised.add(path);
        continue;
      }
      for (const comment of fresh) this.handled.add(hash(path, comment.lineText));
      const edits = fresh.filter((c) => c.kind === 'edit');
      try {
        if (edits.length > 0) await this.edit(engine, repo, path, text, comments, edits);
        else for (const question of fresh) await this.ask(engine, repo, path, text, question);
      } catch (error) {
        // The model could not be reached, say: saving the file again tries again.
        for (const comment of fresh) this.handled.delete(hash(path, comment.lineText));
        this.options.log(`AI comments in ${path} failed: ${(error as Error).message}`);
      }
    }
  }

  private chatEngine(): Engine | undefined {
    if (!this.options.engine.info().chat) return undefined;
    return (this.chat ??= scheduledEngine(this.options.engine, new Scheduler()));
  }

  private async edit(engine: Engine, repo: RepoFiles, path: string, text: string, comments: AiComment[], edits: AiComment[]): Promise<void> {
    const { log } = this.options;
    log(`AI! in ${path} (line ${edits.map((c) => c.line + 1).join(', ')}): asking the model for the edit`);
    const message = await editMessage(path, text, comments, edits);
    const { result, commits } = await this.turn(engine, repo, path, message, true);
    if (result.cancelled) return;
    const committed = commits.find((c) => c.files.includes(path));
    if (result.applied.length > 0) {
      await this.removeLeftovers(path, edits, committed?.commit);
    } else {
      const reply = result.replies.at(-1)?.trim() ?? '';
      log(`AI! in ${path}: no edit was applied${reply ? `; the model said: ${oneLine(reply)}` : ''}`);
    }
    // A failed edit may be tried again by saving the file again.
    if (result.editFailed) for (const comment of edits) this.handled.delete(hash(path, comment.lineText));
  }

  private async ask(engine: Engine, repo: RepoFiles, path: string, text: string, question: AiComment): Promise<void> {
    const message = await questionMessage(path, text, question);
    const { result } = await this.turn(engine, repo, path, message, false);
    if (result.cancelled) return;
    const answer = result.replies.join('\n\n').trim();
    this.options.log(`AI? ${path}:${question.line + 1} ${question.request}\n${answer}`);
    this.options.notify({ uri: pathToFileURL(join(this.options.root, path)).href, line: question.line, question: question.request, answer });
  }

  /** One chat turn with the file in the chat; edits are applied only with `apply`. */
  private async turn(engine: Engine, repo: RepoFiles, path: string, message: string, apply: boolean): Promise<{ result: TurnResult; commits: Array<{ files: string[]; commit?: string }> }> {
    const { root, config, log } = this.options;
    const session = ChatSession.create(root, config.model);
    session.addFile(path);
    const turn = runTurn({
      engine,
      session,
      root,
      repo,
      resolver: new ImportResolver(repo),
      message,
      signal: this.abort.signal,
      autoYes: apply,
      confirm: async () => false,
      dirty: config.edits?.dirtyFiles ?? 'commit',
    });
    const commits: Array<{ files: string[]; commit?: string }> = [];
    let step = await turn.next();
    while (!step.done) {
      const event: TurnEvent = step.value;
      if (event.type === 'applied') {
        this.rememberOwn(event.edit.files);
        commits.push(event.edit);
        log(`AI! edit applied to ${event.edit.files.join(', ')}${event.edit.commit ? `; committed ${event.edit.commit.slice(0, 10)}` : ''}`);
      } else if (event.type === 'notice' && apply) {
        log(event.text);
      } else if (event.type === 'edit-failed') {
        log(`${event.feedback.split('\n')[0]}${event.willRetry ? ' Asking the model to fix it.' : ' Giving up.'}`);
      }
      step = await turn.next();
    }
    return { result: step.value, commits };
  }

  private rememberOwn(paths: string[]): void {
    for (const path of paths) {
      try {
        this.rememberOwnWrite(hash(path, readFileSync(join(this.options.root, path), 'utf8')));
      } catch {
        // A deleted file sends no text to compare.
      }
    }
  }

  /**
   * The model was told to remove the `AI!` comments; any it left are taken out here. When the
   * edit's commit touched the file and is still HEAD, the removal is amended into it, so the edit
   * stays one commit; otherwise the removal is left as an uncommitted change.
   */
  private async removeLeftovers(path: string, edits: AiComment[], commit: string | undefined): Promise<void> {
    const { root, log } = this.options;
    const absolutePath = join(root, path);
    let before: string;
    try {
      before = readFileSync(absolutePath, 'utf8');
    } catch {
      return;
    }
    const wanted = new Set(edits.map((c) => c.lineText.trim()));
    const leftovers = findAiComments(path, before).filter((c) => c.kind === 'edit' && wanted.has(c.lineText.trim()));
    if (leftovers.length === 0) return;
    const after = withoutComments(before, leftovers);
    writeAllOrNothing([{ absolutePath, before, after }]);
    this.rememberOwnWrite(hash(path, after));
    if (commit && this.options.git && (await this.head()) === commit) {
      try {
        await runGit('git', ['commit', '--amend', '--no-edit', '-q', '--', path], { cwd: root });
        log(`removed the AI! comment${leftovers.length === 1 ? '' : 's'} the model left in ${path}, in the same commit`);
        return;
      } catch (error) {
        log(`could not amend the commit (${(error as Error).message.trim()}); the AI! comment removal in ${path} is left uncommitted`);
        return;
      }
    }
    log(`removed the AI! comment${leftovers.length === 1 ? '' : 's'} the model left in ${path} (not committed)`);
  }

  private async head(): Promise<string | undefined> {
    try {
      return (await runGit('git', ['rev-parse', 'HEAD'], { cwd: this.options.root })).stdout.trim();
    } catch {
      return undefined;
    }
  }
}

/** The text with the given comments taken out: a line that held only the comment goes entirely. */
export function withoutComments(text: string, comments: AiComment[]): string {
  const lines = text.split('\n');
  const byLine = new Map(comments.map((c) => [c.line, c]));
  const kept: string[] = [];
  lines.forEach((line, index) => {
    const comment = byLine.get(index);
    if (!comment) return void kept.push(line);
    const code = line.slice(0, comment.column).trimEnd();
    if (code.trim() !== '') kept.push(code + (line.endsWith('\r') ? '\r' : ''));
  });
  return kept.join('\n');
}

async function editMessage(path: string, text: string, comments: AiComment[], edits: AiComment[]): Promise<string> {
  const listed = comments.map((c) => `- line ${c.line + 1}${c.kind === 'edit' ? ' (do this)' : c.kind === 'ask' ? ' (a question)' : ''}: ${c.lineText.trim()}`);
  return [
    `I left instructions in comments marked AI in ${path}. Make the change that the comment${edits.length === 1 ? '' : 's'} ending in "AI!" ask${edits.length === 1 ? 's' : ''} for; the other AI comments are context.`,
    '',
    ...listed,
    '',
    `Your SEARCH/REPLACE edit must also delete the AI comment lines listed above from ${path}: they were instructions for you, not part of the code.`,
    '',
    await describeSurroundings(path, text, edits.map((c) => c.line)),
  ].join('\n');
}

async function questionMessage(path: string, text: string, question: AiComment): Promise<string> {
  return [
    `A comment on line ${question.line + 1} of ${path} asks: ${question.request || question.lineText.trim()}`,
    'Answer the question in prose. Do not edit any file.',
    '',
    await describeSurroundings(path, text, [question.line]),
  ].join('\n');
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > 200 ? `${flat.slice(0, 197)}...` : flat;
}
