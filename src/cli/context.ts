/** `inline context <file>[:line[:column]]`: what a completion at that point would send, and why. */
import type { AssembledPrompt } from '../context/assemble.js';
import { languageForPath } from '../context/languages.js';
import { ContextSession } from '../context/session.js';
import { openExistingIndex } from '../index/open.js';
import { lineStarts } from '../context/window.js';
import { readSource } from '../context/source-file.js';
import type { CommandContext } from './command-context.js';
import type { Style } from './style.js';
import { UsageError } from './usage-error.js';

interface ContextOptions {
  line?: string;
  column?: string;
  offset?: string;
  budget?: string;
  template?: string;
  showPrompt?: boolean;
}

function usage(message: string): never {
  throw new UsageError(message);
}

function positiveInt(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < 1) usage(`${name} must be a positive integer, got "${value}"`);
  return Number(value);
}

/** `src/a.py:12:5` → path and 1-based position; explicit options win. */
function parseLocation(spec: string, options: ContextOptions): { file: string; line?: number; column?: number; offset?: number } {
  const match = /^(.*?)(?::(\d+))?(?::(\d+))?$/.exec(spec)!;
  return {
    file: match[1]!,
    line: positiveInt(options.line, '--line') ?? (match[2] ? Number(match[2]) : undefined),
    column: positiveInt(options.column, '--column') ?? (match[3] ? Number(match[3]) : undefined),
    offset: options.offset === undefined ? undefined : positiveInt(String(Number(options.offset) + 1), '--offset')! - 1,
  };
}

function offsetOf(text: string, line: number | undefined, column: number | undefined, offset: number | undefined): number {
  if (offset !== undefined) {
    if (offset > text.length) usage(`--offset ${offset} is past the end of the file (${text.length} characters)`);
    return offset;
  }
  const starts = lineStarts(text);
  if (line === undefined) return text.length;
  if (line > starts.length) usage(`line ${line} is past the end of the file (${starts.length} lines)`);
  const start = starts[line - 1]!;
  const end = line < starts.length ? starts[line]! - 1 : text.length;
  const col = column ?? end - start + 1;
  if (col > end - start + 1) usage(`column ${col} is past the end of line ${line} (${end - start} characters)`);
  return start + col - 1;
}

export async function run(context: CommandContext, args: string[], options: Record<string, unknown>): Promise<number> {
  const opts = options as ContextOptions;
  const { root, git } = context.root();
  const config = context.config().config;
  const location = parseLocation(args[0]!, opts);
  const source = readSource(root, context.cwd, location.file, (message) => new UsageError(message));
  if (!languageForPath(source.path)) context.output.err(`note: ${source.path} is not in a language inline parses; only the cursor window is used.`);
  const offset = offsetOf(source.text, location.line, location.column, location.offset);
  const budget = positiveInt(opts.budget, '--budget') ?? 2048;
  const index = await openExistingIndex({ root, git, config });
  if (!index && !context.options.json) context.output.err(context.output.errStyle.dim('note: no code index yet; run `inline index` to add retrieved snippets.'));
  let result: AssembledPrompt;
  try {
    const session = await ContextSession.open({ root, git, model: config.fimModel ?? config.model, template: opts.template ?? config.fimTemplate, codeIndex: index });
    result = await session.assemble(source.path, source.text, offset, budget);
  } finally {
    await index?.close();
  }
  if (context.options.json) context.output.json({ path: source.path, offset, ...result });
  else context.output.out(renderText(source.path, result, context.output.style, opts.showPrompt === true));
  return 0;
}

function renderText(path: string, r: AssembledPrompt, s: Style, showPrompt: boolean): string {
  const lines = [
    `${s.bold('context')} for ${path}:${r.window.cursorLine}:${r.window.cursorColumn}  ${s.dim(`template ${r.template}, ${r.tokens.prompt}/${r.tokens.budget} tokens (${r.counter.exact ? `counted with ${r.counter.name}` : 'estimated'})`)}`,
    `  ${'window'.padEnd(15)} ${path}:${r.window.prefixStartLine}-${r.window.suffixEndLine}  ${s.dim(`prefix ${r.tokens.prefix} + suffix ${r.tokens.suffix} tokens`)}`,
  ];
  for (const snippet of r.snippets) {
    const where = `${snippet.path}:${snippet.startLine}-${snippet.endLine}`;
    lines.push(`  ${snippet.kind.padEnd(15)} ${where}  ${s.dim(`${snippet.tokens} tokens${snippet.truncated ? ', truncated' : ''}`)}  ${snippet.reason}`);
  }
  if (r.dropped.length > 0) {
    lines.push(s.yellow('dropped:'));
    for (const d of r.dropped) lines.push(`  ${d.kind.padEnd(15)} ${d.path}:${d.startLine}-${d.endLine}  ${s.dim(`${d.tokens} tokens`)}  ${d.why}`);
  }
  if (showPrompt) lines.push('', s.dim('--- prompt ---'), r.prompt, s.dim('--- end of prompt ---'));
  return lines.join('\n');
}
