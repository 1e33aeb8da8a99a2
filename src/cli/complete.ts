/**
 * `inline complete --file F --line L --col C`: one completion at a point, through the whole
 * pipeline (the same one the editor daemon runs), printed for scripts and editors without LSP.
 */
import { readFileSync } from 'node:fs';
import { lineOfOffset, lineStarts } from '../context/window.js';
import type { CompletionResult } from '../engine/complete/types.js';
import type { CommandContext } from './command-context.js';
import { readSource, repoPath, type SourceFile } from '../context/source-file.js';
import { UsageError } from './usage-error.js';

interface CompleteOptions {
  file?: string;
  line?: string;
  col?: string;
  n?: string;
  stdin?: boolean;
  deadline?: string;
}

function integer(value: string | undefined, name: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new UsageError(`${name} must be an integer from ${min}${max === Number.MAX_SAFE_INTEGER ? '' : ` to ${max}`}, got "${value}"`);
  }
  return Number(value);
}

/** Line is 1-based, column 0-based in UTF-16 code units (as LSP counts them). */
export function offsetAt(text: string, line: number, col: number): number {
  const starts = lineStarts(text);
  if (line > starts.length) throw new UsageError(`--line ${line} is past the end of the document (${starts.length} lines)`);
  const start = starts[line - 1]!;
  const end = line < starts.length ? starts[line]! - 1 : text.length;
  if (col > end - start) throw new UsageError(`--col ${col} is past the end of line ${line} (${end - start} characters)`);
  return start + col;
}

function position(starts: readonly number[], offset: number): { line: number; col: number } {
  const line = lineOfOffset(starts, offset);
  return { line: line + 1, col: offset - starts[line]! };
}

export async function run(context: CommandContext, _args: string[], options: Record<string, unknown>): Promise<number> {
  const opts = options as CompleteOptions;
  if (!opts.file) throw new UsageError('complete needs --file, e.g. inline complete --file src/app.py --line 12 --col 8');
  const line = integer(opts.line, '--line', 1) ?? usageMissing('--line');
  const col = integer(opts.col, '--col', 0) ?? usageMissing('--col');
  const n = integer(opts.n, '--n', 1, 10) ?? 1;
  const deadlineMs = integer(opts.deadline, '--deadline', 1);
  const { root, git } = context.root();
  const source: SourceFile = opts.stdin
    ? { path: repoPath(root, context.cwd, opts.file, asUsage), text: readFileSync(0, 'utf8') }
    : readSource(root, context.cwd, opts.file, asUsage);
  const offset = offsetAt(source.text, line, col);
  const config = context.config().config;

  const { openCompletionService } = await import('../engine/complete/service.js');
  const service = await openCompletionService({ root, git, config: deadlineMs ? { ...config, completion: { ...config.completion, deadlineMs } } : config });
  try {
    const result = await service.pipeline.complete({ path: source.path, text: source.text, offset, n, trigger: 'invoked' });
    // Printed before the engines shut down: a model worker can take a moment to stop.
    report(context, source, offset, result);
    return result.items.length > 0 ? 0 : 1;
  } finally {
    await service.close();
  }
}

function report(context: CommandContext, source: SourceFile, offset: number, result: CompletionResult): void {
  if (result.fallback) context.output.err(`${context.output.errStyle.yellow('note:')} ${result.fallback.from} failed (${result.fallback.reason}); the local engine answered.`);
  if (context.options.json) context.output.json(toJson(source, offset, result));
  else if (result.items.length === 0) context.output.err(`no suggestion${result.skipped ? ` (${result.skipped})` : ''}`);
  else printItems(context, result);
}

const asUsage = (message: string) => new UsageError(message);

function usageMissing(flag: string): never {
  throw new UsageError(`complete needs ${flag}`);
}

function printItems(context: CommandContext, result: CompletionResult): void {
  if (result.items.length === 1) {
    process.stdout.write(result.items[0]!.text);
    if (process.stdout.isTTY) process.stdout.write('\n');
    return;
  }
  result.items.forEach((item, i) => {
    context.output.out(context.output.style.dim(`--- suggestion ${i + 1} of ${result.items.length} ---`));
    context.output.out(item.text);
  });
}

function toJson(source: SourceFile, offset: number, result: CompletionResult): unknown {
  const starts = lineStarts(source.text);
  const cursor = position(starts, offset);
  return {
    path: source.path,
    line: cursor.line,
    col: cursor.col,
    offset,
    language: result.language ?? null,
    multiline: result.multiline,
    engine: result.engine,
    cache: result.cache,
    ...(result.fallback ? { fallback: result.fallback } : {}),
    ...(result.skipped ? { skipped: result.skipped } : {}),
    dropped: result.dropped,
    latency: result.latency,
    items: result.items.map((item) => ({
      text: item.text,
      range: { start: position(starts, item.range.start), end: position(starts, item.range.end) },
      engine: item.engine,
      cached: item.cached !== 'miss',
      cache: item.cached,
      ...(item.logprob === undefined ? {} : { logprob: item.logprob }),
      latency: result.latency,
    })),
  };
}
