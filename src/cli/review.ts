/**
 * `inline review [--staged | <rev-range>]`: file:line comments on a diff, from the secret scanner
 * and the model. Without a chat model the secret findings are still reported. The exit code says
 * whether a comment reached --fail-on, so it can gate a commit or a CI job.
 */
import { EngineError } from '../engine/errors.js';
import { replyTokensFor, streamReply } from '../engine/agents/explain-stream.js';
import { readDiff, type DiffSource, type ReviewDiff } from '../engine/agents/review-diff.js';
import { SEVERITIES, type Severity } from '../engine/agents/review-output.js';
import { buildReviewMessages, mergeComments, modelComments, reachesThreshold, secretComments, type ReviewComment } from '../engine/agents/review.js';
import { ChatWorkspace } from '../engine/chat/workspace.js';
import type { Engine } from '../engine/types.js';
import type { CommandContext } from './command-context.js';
import { UsageError } from './usage-error.js';

interface ReviewOptions {
  staged?: boolean;
  failOn?: string;
}

/** Characters per token assumed when cutting the diff to fit the window: low, so the cut is safe. */
const CHARS_PER_TOKEN = 3;
/** Tokens kept for the instructions and the chat template. */
const PROMPT_OVERHEAD_TOKENS = 400;

function describeSource(source: DiffSource): string {
  if (source.kind === 'staged') return 'the staged changes';
  if (source.kind === 'working-tree') return 'the unstaged changes in the working tree';
  return `the changes in ${source.range}`;
}

async function chooseDiff(root: string, range: string | undefined, staged: boolean, notes: string[]): Promise<ReviewDiff> {
  if (range !== undefined) return readDiff(root, { kind: 'range', range });
  const diff = await readDiff(root, { kind: 'staged' });
  if (diff.files.length > 0 || staged) return diff;
  notes.push('Nothing is staged; reviewing the unstaged changes in the working tree instead.');
  return readDiff(root, { kind: 'working-tree' });
}

async function askModel(engine: Engine, diff: ReviewDiff, notes: string[]): Promise<ReviewComment[]> {
  const windowTokens = engine.info().contextTokens;
  const maxChars = Math.max(2000, (Math.floor(windowTokens * 0.9) - replyTokensFor(engine) - PROMPT_OVERHEAD_TOKENS) * CHARS_PER_TOKEN);
  const { messages, omitted } = buildReviewMessages(diff, maxChars);
  if (omitted.length > 0) notes.push(`The diff is too long for the model's window; it did not see ${omitted.join(', ')}.`);
  const abort = new AbortController();
  const onSigint = () => abort.abort();
  process.once('SIGINT', onSigint);
  try {
    const reply = await streamReply({ engine, messages, signal: abort.signal, routeKey: 'review' });
    const { comments, dropped } = modelComments(reply.text, diff);
    if (dropped > 0) notes.push(`Ignored ${dropped} model comment(s) pointing outside the diff.`);
    return comments;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

export async function run(context: CommandContext, args: string[], options: Record<string, unknown>): Promise<number> {
  const opts = options as ReviewOptions;
  const range = args[0];
  const failOn = (opts.failOn ?? 'error') as Severity;
  if (!SEVERITIES.includes(failOn)) throw new UsageError(`--fail-on must be one of ${SEVERITIES.join(', ')}, not "${opts.failOn}"`);
  if (range !== undefined && opts.staged) throw new UsageError('give either --staged or a revision range, not both');
  const json = context.options.json === true;
  const { root, git } = context.root();
  if (!git) throw new UsageError(`review reads a git diff, and ${root} is not a git repository`);

  const notes: string[] = [];
  const diff = await chooseDiff(root, range, opts.staged === true, notes);
  const source = describeSource(diff.source);
  if (diff.files.length === 0) {
    if (json) context.output.json([]);
    else context.output.out(`Nothing to review: ${source} add no lines.`);
    return 0;
  }

  const secrets = secretComments(diff.files);
  let fromModel: ReviewComment[] = [];
  let modelFailed = false;
  let modelRan = false;
  const workspace = await ChatWorkspace.open({ root, git, config: context.config().config });
  try {
    const engine = workspace.engine;
    if (!engine) notes.push('The model review was skipped: no chat model is configured (see `inline doctor`); only the secret scanner ran.');
    else {
      try {
        fromModel = await askModel(engine, diff, notes);
        modelRan = true;
      } catch (error) {
        if (!(error instanceof EngineError)) throw error;
        modelFailed = true;
        notes.push(`The model review failed: ${error.message.replace(/\.$/, '')}. Only the secret scanner's findings are shown.`);
      }
    }
  } finally {
    await workspace.close();
  }

  const comments = mergeComments(secrets, fromModel);
  if (json) context.output.json(comments);
  else {
    context.output.out(`## Review of ${source}\n`);
    if (comments.length === 0) context.output.out(modelRan ? 'No problems found.' : 'The secret scanner found nothing; the model did not review this diff.');
    for (const c of comments) context.output.out(`${c.file}:${c.line} ${c.severity} ${c.message}${c.source === 'secrets' ? ' [secret scanner]' : ''}`);
  }
  for (const note of notes) context.output.err(note);
  if (modelFailed) return 1;
  return reachesThreshold(comments, failOn) ? 1 : 0;
}
