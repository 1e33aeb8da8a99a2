/**
 * `inline fix [target] --cmd "<command>"`: runs the command and, while it fails, has the model
 * fix what the output points at, one commit per answer, until it passes or --max-iterations.
 * Prints Markdown as it goes (or one JSON object at the end with --json).
 */
import { relative } from 'node:path';
import { repairUntilPassing, type RepairEvent, type RepairResult } from '../engine/agents/fix.js';
import { resolveTarget } from '../engine/agents/target.js';
import { ChatWorkspace, NO_CHAT_ENGINE_ADVICE } from '../engine/chat/workspace.js';
import type { CommandContext } from './command-context.js';
import { UsageError } from './usage-error.js';

interface FixOptions {
  cmd?: string;
  maxIterations?: string;
  yes?: boolean;
  timeout?: string;
}

export function positiveInteger(value: string | undefined, fallback: number, flag: string): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new UsageError(`${flag} must be a whole number of at least 1, got "${value}"`);
  return number;
}

export function positiveSeconds(value: string | undefined, fallback: number, flag: string): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) throw new UsageError(`${flag} must be a positive number of seconds, got "${value}"`);
  return number;
}

/** Prints the loop's progress as Markdown; the model's reply streams as it arrives. */
export function markdownReporter(context: CommandContext): (event: RepairEvent) => void {
  const { output } = context;
  let atLineStart = true;
  const endLine = () => {
    if (!atLineStart) process.stdout.write('\n');
    atLineStart = true;
  };
  return (event) => {
    if (event.type === 'run') {
      endLine();
      const { run } = event;
      const status = run.passed ? 'passed' : run.timedOut ? 'timed out' : `failed (exit ${run.exitCode})`;
      output.out(`## \`${run.command}\` ${status} in ${(run.durationMs / 1000).toFixed(1)} s\n`);
      if (!run.passed && run.output.trim() !== '') output.out('```text\n' + run.output.trimEnd() + '\n```\n');
      if (event.failures.length > 0) output.out(`Failures at: ${event.failures.slice(0, 8).map((f) => `${f.path}:${f.line}`).join(', ')}\n`);
    } else if (event.type === 'turn-start') {
      output.out(`### Turn ${event.iteration}${event.files.length > 0 ? ` (files: ${event.files.join(', ')})` : ''}\n`);
    } else {
      const turnEvent = event.event;
      if (turnEvent.type === 'delta') {
        process.stdout.write(turnEvent.text);
        atLineStart = turnEvent.text.endsWith('\n');
        return;
      }
      endLine();
      if (turnEvent.type === 'edit-preview') output.err(turnEvent.diff);
      else if (turnEvent.type === 'notice') output.err(turnEvent.text);
      else if (turnEvent.type === 'edit-failed') output.err(`${turnEvent.feedback}\n${turnEvent.willRetry ? '(asking the model to fix it)' : '(giving up)'}`);
      else if (turnEvent.type === 'applied') {
        output.out(`\nApplied ${turnEvent.edit.files.join(', ')}${turnEvent.edit.commit ? ` in commit ${turnEvent.edit.commit.slice(0, 10)}` : ''}.\n`);
      }
    }
  };
}

export function printSummary(context: CommandContext, result: RepairResult, extra: Record<string, unknown> = {}): void {
  const commits = result.applied.map((edit) => ({ commit: edit.commit ?? null, files: edit.files }));
  if (context.options.json === true) {
    context.output.json({
      ...extra,
      passed: result.passed,
      stopReason: result.stopReason,
      message: result.message,
      iterations: result.iterations,
      runs: result.runs.map((run) => ({ exitCode: run.exitCode, passed: run.passed, timedOut: run.timedOut, durationMs: Math.round(run.durationMs) })),
      commits,
    });
    return;
  }
  const lines = [`## Result: ${result.passed ? 'passed' : 'failing'}`, '', result.message];
  if (commits.length > 0) {
    lines.push('', 'Changes (each one commit; `inline chat -m /undo` reverts the last):');
    for (const change of commits) lines.push(`- ${change.commit ? change.commit.slice(0, 10) : '(not committed)'}: ${change.files.join(', ')}`);
  } else {
    lines.push('', 'No file was changed.');
  }
  if (result.passed) context.output.out(lines.join('\n'));
  else context.output.err(lines.join('\n'));
}

/** Runs `body` with a workspace whose engine can chat, closing it after; exit 2 with advice otherwise. */
export async function withChatWorkspace(context: CommandContext, body: (workspace: ChatWorkspace, signal: AbortSignal) => Promise<number>): Promise<number> {
  const { root, git } = context.root();
  const workspace = await ChatWorkspace.open({ root, git, config: context.config().config });
  const abort = new AbortController();
  const onSigint = () => abort.abort();
  process.once('SIGINT', onSigint);
  try {
    if (!workspace.engine) throw new UsageError(NO_CHAT_ENGINE_ADVICE);
    return await body(workspace, abort.signal);
  } finally {
    process.off('SIGINT', onSigint);
    await workspace.close();
  }
}

export async function run(context: CommandContext, args: string[], options: Record<string, unknown>): Promise<number> {
  const opts = options as FixOptions;
  const command = opts.cmd?.trim();
  if (!command) throw new UsageError('fix needs the command to repair: inline fix --cmd "npm test"');
  const maxIterations = positiveInteger(opts.maxIterations, 3, '--max-iterations');
  const timeoutSeconds = positiveSeconds(opts.timeout, 300, '--timeout');
  const { root } = context.root();
  const target = args[0] ? await resolveTarget(root, context.cwd, args[0]) : undefined;
  const json = context.options.json === true;

  return withChatWorkspace(context, async (workspace, signal) => {
    const guidance = target
      ? `Focus on ${target.path}${target.symbol || target.startLine > 1 || target.endLine < target.text.split('\n').length ? ` lines ${target.startLine}-${target.endLine}` : ''}.`
      : undefined;
    const result = await repairUntilPassing({
      workspace,
      engine: workspace.engine!,
      command,
      cwd: context.cwd,
      timeoutMs: timeoutSeconds * 1000,
      maxIterations,
      autoYes: opts.yes === true,
      ...(target ? { focus: [target.path] } : {}),
      ...(guidance ? { guidance } : {}),
      signal,
      ...(json ? {} : { onEvent: markdownReporter(context) }),
    });
    printSummary(context, result, { command, cwd: relative(root, context.cwd) || '.' });
    if (result.stopReason === 'cancelled') return 130;
    return result.passed ? 0 : 1;
  });
}
