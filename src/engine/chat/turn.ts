/**
 * One user turn: send the context, stream the reply, then act on its edit blocks: plan them,
 * show the diff and ask (unless auto-yes), apply them as one git commit, and when blocks failed
 * send the feedback back for another answer. At most MAX_RETRIES retries; a block that applied
 * is never applied again (EditRetryTracker).
 */
import type { ImportResolver } from '../../context/imports.js';
import { createRepoFiles, type RepoFiles } from '../../context/repo-files.js';
import type { ChunkSearch } from '../../context/retrieval.js';
import { applyAndCommit, EditError, EditRetryTracker, feedbackMessage, MAX_RETRIES, parseEdits, planEdits, type EditPlan } from '../edits/index.js';
import type { Engine, Usage } from '../types.js';
import { buildChatContext } from './chat-context.js';
import type { ChatSession } from './chat-session.js';

export interface AppliedEdit {
  commit?: string;
  files: string[];
}

export type TurnEvent =
  | { type: 'delta'; text: string }
  | { type: 'notice'; text: string }
  | { type: 'edit-preview'; diff: string; files: string[] }
  | { type: 'applied'; edit: AppliedEdit }
  | { type: 'edit-failed'; feedback: string; willRetry: boolean };

export interface TurnResult {
  /** The model's answers, one per attempt. */
  replies: string[];
  applied: AppliedEdit[];
  /** True when an edit could not be applied in the end (retries spent, or refused); a declined edit is not a failure. */
  editFailed: boolean;
  usage: Usage;
  cancelled: boolean;
}

export interface TurnOptions {
  engine: Engine;
  session: ChatSession;
  root: string;
  /** The repository's files; read afresh for every attempt since edits change them. */
  repo: RepoFiles;
  resolver: ImportResolver;
  codeIndex?: ChunkSearch;
  message: string;
  signal: AbortSignal;
  /** Asked after each edit preview; not called with autoYes. */
  confirm?: () => Promise<boolean>;
  autoYes?: boolean;
  /** What to do with the user's own uncommitted changes in touched files. */
  dirty?: 'commit' | 'refuse';
  temperature?: number;
}

const REPLY_SHARE = 0.25;
const MAX_REPLY_TOKENS = 4096;

function fresh(repo: RepoFiles): RepoFiles {
  return createRepoFiles(repo.root, repo.files);
}

function combinedDiff(plan: EditPlan): string {
  return plan.files.map((file) => file.diff).join('\n');
}

/** Runs the turn, yielding events as they happen; the generator's return value sums it up. */
export async function* runTurn(options: TurnOptions): AsyncGenerator<TurnEvent, TurnResult> {
  const { engine, session, signal } = options;
  const counter = session.counter();
  const windowTokens = engine.info().contextTokens;
  const replyTokens = Math.min(MAX_REPLY_TOKENS, Math.floor(windowTokens * REPLY_SHARE));
  const tracker = new EditRetryTracker();
  const result: TurnResult = { replies: [], applied: [], editFailed: false, usage: { promptTokens: 0, completionTokens: 0 }, cancelled: false };
  let message = options.message;
  let runOutput = session.pendingContext;

  for (let attempt = 0; ; attempt++) {
    const context = await buildChatContext({
      repo: fresh(options.repo),
      resolver: options.resolver,
      counter,
      windowTokens,
      replyTokens,
      files: session.files,
      history: session.messages,
      message,
      ...(runOutput ? { runOutput } : {}),
      ...(options.codeIndex ? { codeIndex: options.codeIndex } : {}),
    });
    let reply = '';
    try {
      const request = { messages: context.messages, maxTokens: replyTokens, temperature: options.temperature ?? 0, routeKey: `chat:${session.id}` };
      for await (const delta of engine.chat(request, signal)) {
        if (delta.usage) {
          result.usage.promptTokens += delta.usage.promptTokens;
          result.usage.completionTokens += delta.usage.completionTokens;
        }
        if (delta.text) {
          reply += delta.text;
          yield { type: 'delta', text: delta.text };
        }
      }
    } catch (error) {
      if (!signal.aborted) throw error;
    }
    // What the model was told stays in the history even when cancelled, so the chat reads true.
    session.append({ role: 'user', content: runOutput ? `Output of a command I ran:\n${runOutput}\n\n${message}` : message });
    session.append({ role: 'assistant', content: reply });
    session.pendingContext = undefined;
    runOutput = undefined;
    result.replies.push(reply);
    if (signal.aborted) {
      result.cancelled = true;
      yield { type: 'notice', text: 'Cancelled.' };
      break;
    }

    const parsed = parseEdits(reply, 'search-replace');
    if (parsed.blocks.length === 0 && parsed.problems.length === 0) break;
    const { attempt: blocks, alreadyApplied, exhausted } = tracker.select(parsed.blocks);
    if (alreadyApplied.length > 0) yield { type: 'notice', text: `Skipped ${alreadyApplied.length} block(s) that already applied.` };
    const plan = planEdits({ blocks, problems: parsed.problems }, { root: options.root, format: 'search-replace' });

    if (plan.files.length > 0) {
      yield { type: 'edit-preview', diff: combinedDiff(plan), files: plan.files.map((f) => f.path) };
      const accepted = options.autoYes === true || (options.confirm ? await options.confirm() : false);
      if (signal.aborted) {
        result.cancelled = true;
        break;
      }
      if (!accepted) {
        yield { type: 'notice', text: 'Edit discarded; no file was changed.' };
        break;
      }
      try {
        const committed = await applyAndCommit(plan, { summary: options.message, dirty: options.dirty ?? 'commit' });
        const edit: AppliedEdit = { files: committed.changed, ...(committed.commit ? { commit: committed.commit } : {}) };
        if (committed.savedCommit) yield { type: 'notice', text: `Your own changes were committed first as ${committed.savedCommit.slice(0, 10)}.` };
        if (edit.commit) session.lastEdit = { commit: edit.commit, files: edit.files };
        result.applied.push(edit);
        yield { type: 'applied', edit };
      } catch (error) {
        if (!(error instanceof EditError)) throw error;
        result.editFailed = true;
        yield { type: 'notice', text: error.message };
        break;
      }
    }
    tracker.record(plan.results);

    if (exhausted.length > 0) result.editFailed = true;
    if (plan.failures.length === 0) break;
    const appliedCount = plan.results.filter((r) => r.ok).length;
    const feedback = feedbackMessage(plan.failures, appliedCount);
    const willRetry = attempt < MAX_RETRIES;
    yield { type: 'edit-failed', feedback, willRetry };
    if (!willRetry) {
      result.editFailed = true;
      break;
    }
    message = feedback;
  }
  session.addUsage(result.usage);
  return result;
}
