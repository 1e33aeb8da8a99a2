/**
 * `inline test <target>`: writes tests for the target where the project keeps them, as one
 * commit; with --run, runs them and has the model fix failing tests (only the test file, unless
 * --fix-source) up to --max-iterations times.
 */
import { planTests } from '../engine/agents/frameworks.js';
import { resolveTarget } from '../engine/agents/target.js';
import { writeTests } from '../engine/agents/test-writer.js';
import type { CommandContext } from './command-context.js';
import { markdownReporter, positiveInteger, positiveSeconds, printSummary, withChatWorkspace } from './fix.js';
import { UsageError } from './usage-error.js';

interface TestOptions {
  framework?: string;
  run?: boolean;
  maxIterations?: string;
  fixSource?: boolean;
  timeout?: string;
}

export async function run(context: CommandContext, args: string[], options: Record<string, unknown>): Promise<number> {
  const opts = options as TestOptions;
  if (!args[0]) throw new UsageError('test needs a target: inline test src/cart.ts#total (or path, or path:START-END)');
  const maxIterations = positiveInteger(opts.maxIterations, 3, '--max-iterations');
  const timeoutSeconds = positiveSeconds(opts.timeout, 300, '--timeout');
  const { root } = context.root();
  const target = await resolveTarget(root, context.cwd, args[0]);
  const json = context.options.json === true;

  return withChatWorkspace(context, async (workspace, signal) => {
    const repo = await workspace.repo();
    const plan = planTests(root, [...repo.files], target.path, opts.framework);
    if (!json) context.output.out(`# Tests for ${target.path} with ${plan.framework}: ${plan.testPath}\n`);
    const result = await writeTests({
      workspace,
      engine: workspace.engine!,
      target,
      plan,
      run: opts.run === true,
      maxIterations,
      timeoutMs: timeoutSeconds * 1000,
      fixSource: opts.fixSource === true,
      signal,
      ...(json ? {} : { onEvent: markdownReporter(context) }),
    });
    const summary = { target: target.path, framework: plan.framework, testFile: plan.testPath, command: plan.command, written: result.written };
    if (!result.written) {
      if (json) context.output.json({ ...summary, passed: false, message: result.message });
      else context.output.err(result.message);
      return 1;
    }
    if (!result.repair) {
      if (json) context.output.json({ ...summary, commit: result.commit ?? null });
      else context.output.out(`\n${result.message}${result.commit ? ` (commit ${result.commit.slice(0, 10)})` : ''} Run it with: ${plan.command}`);
      return 0;
    }
    const repair = result.repair;
    const commits = [{ files: [plan.testPath], ...(result.commit ? { commit: result.commit } : {}) }, ...repair.applied];
    printSummary(context, { ...repair, applied: commits }, summary);
    if (repair.stopReason === 'cancelled') return 130;
    return repair.passed ? 0 : 1;
  });
}
