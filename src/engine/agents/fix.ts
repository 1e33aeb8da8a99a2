/**
 * The repair loop behind `inline fix` (and `inline test --run`): run the command; while it fails,
 * put the files its output points at and the output itself in the chat, ask the model for
 * SEARCH/REPLACE edits through the chat turn (which applies each answer as one commit), and run
 * again, up to a number of model turns. It stops early on anything that would make another turn
 * pointless: a timeout, a model error, an edit that failed or was not applied.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ChatWorkspace } from '../chat/workspace.js';
import { runTurn, type AppliedEdit, type TurnEvent, type TurnResult } from '../chat/turn.js';
import type { Engine } from '../types.js';
import { failingFiles, parseFailures, type FailureLocation } from './failures.js';
import { runShellCommand, type CommandRun } from './run-command.js';

/** Files from the output added to the chat per turn; more would crowd out the output itself. */
const MAX_FAILING_FILES = 5;
const MAX_LISTED_LOCATIONS = 12;

export type StopReason = 'passed' | 'max-iterations' | 'timeout' | 'engine-error' | 'edit-failed' | 'not-applied' | 'not-allowed' | 'no-edit' | 'cancelled';

export type RepairEvent =
  | { type: 'run'; run: CommandRun; failures: FailureLocation[] }
  | { type: 'turn-start'; iteration: number; files: string[] }
  | { type: 'turn'; event: TurnEvent };

export interface RepairOptions extends Omit<GuardedTurnOptions, 'message'> {
  command: string;
  cwd: string;
  timeoutMs: number;
  /** Model turns at most. */
  maxIterations: number;
  /** Files always in the chat (the target). */
  focus?: string[];
  /** Said to the model after the failure description (what the target is, what it may edit). */
  guidance?: string;
}

export interface RepairResult {
  passed: boolean;
  stopReason: StopReason;
  /** Why it stopped, for people. */
  message: string;
  iterations: number;
  runs: CommandRun[];
  applied: AppliedEdit[];
}

function describeFailure(command: string, run: CommandRun, failures: FailureLocation[], guidance: string | undefined): string {
  const lines = [`The command \`${command}\` fails with exit code ${run.exitCode}; its output is above.`];
  if (failures.length > 0) {
    lines.push('It points at:');
    for (const failure of failures.slice(0, MAX_LISTED_LOCATIONS)) {
      lines.push(`- ${failure.path}:${failure.line}${failure.message ? ` — ${failure.message}` : ''}`);
    }
  }
  if (guidance) lines.push(guidance);
  lines.push('Find the cause and fix it with SEARCH/REPLACE blocks, so that the command passes. Change only what the fix needs.');
  return lines.join('\n');
}

function runOutputFor(command: string, run: CommandRun): string {
  return `$ ${command}\n${run.output.trimEnd()}\n(exit code ${run.exitCode})`;
}

export interface GuardedTurnOptions {
  workspace: ChatWorkspace;
  engine: Engine;
  message: string;
  signal: AbortSignal;
  autoYes: boolean;
  /** Asked after a preview without autoYes; without it, edits are not applied. */
  confirm?: () => Promise<boolean>;
  /** Files the model may change; others make the edit be declined. Undefined: any file. */
  editable?: (path: string) => boolean;
  onEvent?: (event: RepairEvent) => void;
}

export interface GuardedTurn {
  result: TurnResult;
  /** Files of the last edit preview. */
  previewed: string[];
  /** Files the last edit touched that it may not: the edit was declined. */
  refusedFiles: string[];
}

/** One chat turn whose edits are applied only when every file they touch is editable. Model errors propagate. */
export async function runGuardedTurn(options: GuardedTurnOptions): Promise<GuardedTurn> {
  const { workspace } = options;
  // Edits other commands made (a new test file) must be among the files the turn can see.
  workspace.refreshFiles();
  let previewed: string[] = [];
  let refusedFiles: string[] = [];
  try {
    const turn = runTurn({
      engine: options.engine,
      session: workspace.session,
      root: workspace.root,
      repo: await workspace.repo(),
      resolver: await workspace.resolver(),
      message: options.message,
      signal: options.signal,
      dirty: workspace.dirtyFiles,
      confirm: async () => {
        refusedFiles = options.editable ? previewed.filter((file) => !options.editable!(file)) : [];
        if (refusedFiles.length > 0) return false;
        if (options.autoYes) return true;
        return options.confirm ? options.confirm() : false;
      },
    });
    let step = await turn.next();
    while (!step.done) {
      if (step.value.type === 'edit-preview') previewed = step.value.files;
      options.onEvent?.({ type: 'turn', event: step.value });
      step = await turn.next();
    }
    return { result: step.value, previewed, refusedFiles };
  } finally {
    workspace.session.save();
  }
}

export async function repairUntilPassing(options: RepairOptions): Promise<RepairResult> {
  const { workspace, command } = options;
  const runs: CommandRun[] = [];
  const applied: AppliedEdit[] = [];
  const exists = (path: string) => existsSync(join(workspace.root, path));
  const finish = (stopReason: StopReason, message: string, iterations: number): RepairResult => ({
    passed: stopReason === 'passed',
    stopReason,
    message,
    iterations,
    runs,
    applied,
  });

  const runOnce = async (): Promise<CommandRun> => {
    const run = await runShellCommand(command, { cwd: options.cwd, timeoutMs: options.timeoutMs });
    runs.push(run);
    const failures = run.passed ? [] : parseFailures(run.output, { root: workspace.root, cwd: options.cwd, exists });
    options.onEvent?.({ type: 'run', run, failures });
    return run;
  };

  let run = await runOnce();
  for (let iteration = 1; ; iteration++) {
    const done = iteration - 1;
    if (run.passed) return finish('passed', done === 0 ? 'The command passes; nothing to fix.' : `The command passes after ${done} model turn(s).`, done);
    if (run.timedOut) {
      return finish('timeout', `The command did not finish within ${options.timeoutMs / 1000} s and was stopped; raise --timeout or make it faster.`, done);
    }
    if (options.signal.aborted) return finish('cancelled', 'Cancelled.', done);
    if (iteration > options.maxIterations) return finish('max-iterations', `The command still fails after ${options.maxIterations} model turn(s).`, done);

    const failures = parseFailures(run.output, { root: workspace.root, cwd: options.cwd, exists });
    const files = [...new Set([...(options.focus ?? []), ...failingFiles(failures).slice(0, MAX_FAILING_FILES)])];
    for (const file of files) workspace.session.addFile(file);
    workspace.session.pendingContext = runOutputFor(command, run);
    options.onEvent?.({ type: 'turn-start', iteration, files });

    let turn: GuardedTurn;
    try {
      turn = await runGuardedTurn({ ...options, message: describeFailure(command, run, failures, options.guidance) });
    } catch (error) {
      if (options.signal.aborted) return finish('cancelled', 'Cancelled.', iteration);
      const reason = error instanceof Error ? error.message : String(error);
      const kept = applied.length > 0 ? ` The ${applied.length} edit(s) applied before stay as complete commits.` : ' No file was changed by this turn.';
      return finish('engine-error', `The model failed during turn ${iteration}: ${reason}.${kept}`, iteration);
    }
    const { result, previewed, refusedFiles } = turn;
    applied.push(...result.applied);
    if (result.cancelled) return finish('cancelled', 'Cancelled.', iteration);
    if (refusedFiles.length > 0) {
      return finish('not-allowed', `The model's edit touched ${refusedFiles.join(', ')}, which this command may not change; nothing from that edit was applied.`, iteration);
    }
    if (result.editFailed) return finish('edit-failed', `The model's edit could not be applied (see above); files are as the last complete commit left them.`, iteration);
    if (result.applied.length === 0) {
      if (previewed.length > 0) return finish('not-applied', 'The edit was not applied (the diff is above); pass --yes to apply edits.', iteration);
      return finish('no-edit', 'The model proposed no edit.', iteration);
    }
    run = await runOnce();
  }
}
