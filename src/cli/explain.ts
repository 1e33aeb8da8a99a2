/**
 * `inline explain <target>`: streams an explanation of a file, a line range or a symbol, with the
 * definitions it uses and its callers sent as context. One chat request; nothing is edited.
 */
import { buildExplainMessages, describeTarget, gatherExplainContext } from '../engine/agents/explain.js';
import { streamReply } from '../engine/agents/explain-stream.js';
import { resolveTarget } from '../engine/agents/target.js';
import { ChatWorkspace, NO_CHAT_ENGINE_ADVICE } from '../engine/chat/workspace.js';
import type { CommandContext } from './command-context.js';
import { UsageError } from './usage-error.js';

export async function run(context: CommandContext, args: string[]): Promise<number> {
  const spec = args[0]?.trim();
  if (!spec) throw new UsageError('explain needs a target: a file, path:START-END or path#symbol');
  const json = context.options.json === true;
  const { root, git } = context.root();
  const target = await resolveTarget(root, context.cwd, spec);
  const workspace = await ChatWorkspace.open({ root, git, config: context.config().config });
  const abort = new AbortController();
  const onSigint = () => abort.abort();
  process.once('SIGINT', onSigint);
  try {
    const engine = workspace.engine;
    if (!engine) throw new UsageError(NO_CHAT_ENGINE_ADVICE);
    const codeIndex = await workspace.codeIndex();
    const related = await gatherExplainContext({ repo: await workspace.repo(), target, ...(codeIndex ? { codeIndex } : {}) });
    if (!json) {
      const definitions = related.filter((item) => item.kind === 'definition').length;
      const callers = related.length - definitions;
      context.output.err(`Explaining ${describeTarget(target)} with ${definitions} definition${definitions === 1 ? '' : 's'} it uses and ${callers} caller${callers === 1 ? '' : 's'}.`);
    }
    let atLineStart = true;
    const reply = await streamReply({
      engine,
      messages: buildExplainMessages(target, related),
      signal: abort.signal,
      routeKey: `explain:${root}`,
      ...(json
        ? {}
        : {
            onText: (text: string) => {
              process.stdout.write(text);
              atLineStart = text.endsWith('\n');
            },
          }),
    });
    if (!json && !atLineStart) process.stdout.write('\n');
    if (json) {
      context.output.json({
        target: { path: target.path, startLine: target.startLine, endLine: target.endLine, ...(target.symbol ? { symbol: target.symbol.name } : {}) },
        explanation: reply.text,
        context: related.map(({ code: _code, ...item }) => item),
        usage: reply.usage,
      });
    }
    if (reply.text.trim() === '') {
      context.output.err('The model sent an empty explanation.');
      return 1;
    }
    return 0;
  } finally {
    process.off('SIGINT', onSigint);
    await workspace.close();
  }
}
