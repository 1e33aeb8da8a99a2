/**
 * Has the model write tests for a target into the file the project's conventions call for
 * (frameworks.ts), as one commit; with a command to run, then repairs the tests until they pass,
 * changing only the test file unless the source may be fixed too.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ChatWorkspace } from '../chat/workspace.js';
import type { Engine } from '../types.js';
import { repairUntilPassing, runGuardedTurn, type RepairEvent, type RepairResult } from './fix.js';
import type { TestPlan } from './frameworks.js';
import type { ResolvedTarget } from './target.js';

export interface WriteTestsOptions {
  workspace: ChatWorkspace;
  engine: Engine;
  target: ResolvedTarget;
  plan: TestPlan;
  /** Run the tests and iterate on failures. */
  run: boolean;
  maxIterations: number;
  timeoutMs: number;
  fixSource: boolean;
  signal: AbortSignal;
  onEvent?: (event: RepairEvent) => void;
}

export interface WriteTestsResult {
  written: boolean;
  /** Why nothing was written, when it was not. */
  message: string;
  commit?: string;
  /** The run and repair, with `run`. */
  repair?: RepairResult;
}

function describeTarget(target: ResolvedTarget): string {
  if (target.symbol) return `\`${target.symbol.name}\` in ${target.path} (lines ${target.startLine}-${target.endLine})`;
  if (target.code !== target.text) return `lines ${target.startLine}-${target.endLine} of ${target.path}`;
  return target.path;
}

function writingRequest(target: ResolvedTarget, plan: TestPlan, exists: boolean): string {
  return [
    `Write tests for ${describeTarget(target)}:`,
    '```',
    target.code.trimEnd(),
    '```',
    plan.conventions,
    exists
      ? `Add them to the existing test file ${plan.testPath} with SEARCH/REPLACE blocks.`
      : `Create the new file ${plan.testPath} with one SEARCH/REPLACE block whose SEARCH part is empty.`,
    `Cover the normal cases, the edge cases and the errors the code handles. Do not change any other file. They will run with \`${plan.command}\`.`,
  ].join('\n');
}

export async function writeTests(options: WriteTestsOptions): Promise<WriteTestsResult> {
  const { workspace, target, plan } = options;
  const exists = existsSync(join(workspace.root, plan.testPath));
  workspace.session.addFile(target.path);
  if (exists) workspace.session.addFile(plan.testPath);
  const isTestFile = (path: string) => path === plan.testPath;

  const { result, refusedFiles } = await runGuardedTurn({
    workspace,
    engine: options.engine,
    message: writingRequest(target, plan, exists),
    signal: options.signal,
    autoYes: true,
    editable: isTestFile,
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
  });
  if (result.cancelled) return { written: false, message: 'Cancelled.' };
  if (refusedFiles.length > 0) return { written: false, message: `The model's answer changed ${refusedFiles.join(', ')} instead of only ${plan.testPath}; nothing was applied.` };
  if (result.editFailed) return { written: false, message: `The model's test file could not be applied (see above); nothing was changed.` };
  const edit = result.applied.find((applied) => applied.files.includes(plan.testPath));
  if (!edit) return { written: false, message: `The model did not write ${plan.testPath}.` };
  const written: WriteTestsResult = { written: true, message: `Wrote ${plan.testPath}.`, ...(edit.commit ? { commit: edit.commit } : {}) };
  if (!options.run) return written;

  workspace.session.addFile(plan.testPath);
  const repair = await repairUntilPassing({
    workspace,
    engine: options.engine,
    command: plan.command,
    cwd: workspace.root,
    timeoutMs: options.timeoutMs,
    maxIterations: options.maxIterations,
    autoYes: true,
    focus: [plan.testPath],
    guidance: options.fixSource
      ? `These are new tests for ${describeTarget(target)}: fix the tests when they are wrong, the code when it is.`
      : `These are new tests for ${describeTarget(target)}. Change only ${plan.testPath}: the code under test must stay as it is.`,
    ...(options.fixSource ? {} : { editable: isTestFile }),
    signal: options.signal,
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
  });
  return { ...written, repair };
}
