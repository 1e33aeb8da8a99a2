/** `inline search "<query>"`: hybrid code search over the index, brought up to date first. */
import { isLanguageId } from '../context/languages.js';
import { openCodeIndex } from '../index/open.js';
import type { SearchHit } from '../index/types.js';
import type { CommandContext } from './command-context.js';
import { createProgressBar } from './progress.js';
import type { Style } from './style.js';
import { UsageError } from './usage-error.js';

interface SearchCommandOptions {
  k?: string;
  lang?: string;
  path?: string;
}

export async function run(context: CommandContext, args: string[], options: Record<string, unknown>): Promise<number> {
  const opts = options as SearchCommandOptions;
  const query = args.join(' ').trim();
  if (query === '') throw new UsageError('search needs a query, e.g. inline search "parse http header"');
  const k = opts.k === undefined ? 10 : Number(opts.k);
  if (!Number.isInteger(k) || k < 1 || k > 1000) throw new UsageError(`-k must be an integer from 1 to 1000, got "${opts.k}"`);
  if (opts.lang !== undefined && !isLanguageId(opts.lang)) throw new UsageError(`--lang "${opts.lang}" is not a language inline parses`);
  const { root, git } = context.root();
  const index = await openCodeIndex({ root, git, config: context.config().config });
  if (index.warning) context.output.err(`${context.output.errStyle.yellow('warning:')} ${index.warning}`);
  const bar = createProgressBar();
  try {
    // Searching a stale index would show code that is no longer there; the update is incremental.
    await index.update({ onProgress: (p) => bar.update('indexing', p.done, p.total) });
    bar.done();
    const language = opts.lang !== undefined && isLanguageId(opts.lang) ? opts.lang : undefined;
    const hits = await index.search(query, { k, filters: { path: opts.path, language } });
    if (context.options.json) {
      context.output.json(hits.map((hit) => ({ ...hit, chunk: { ...hit.chunk, text: undefined }, snippet: snippet(hit, query, 5) })));
    } else {
      context.output.out(hits.length === 0 ? 'no matches' : hits.map((hit) => render(hit, query, context.output.style)).join('\n\n'));
    }
    return hits.length === 0 ? 1 : 0;
  } finally {
    bar.done();
    await index.close();
  }
}

/** The chunk's lines that mention the query's words, else its first lines. */
function snippet(hit: SearchHit, query: string, maxLines: number): string {
  const lines = (hit.chunk.text ?? '').split('\n');
  const words = query.toLowerCase().split(/\W+/).filter((w) => w.length > 2);
  const matching = lines.map((line, i) => ({ line, i })).filter(({ line }) => words.some((w) => line.toLowerCase().includes(w)));
  let first = matching.length > 0 ? Math.max(0, matching[0]!.i - 1) : 0;
  while (first < lines.length - 1 && lines[first]!.trim() === '') first++;
  return lines.slice(first, first + maxLines).join('\n');
}

function render(hit: SearchHit, query: string, s: Style): string {
  const { chunk } = hit;
  const symbol = chunk.symbol ? `  ${s.bold(chunk.symbol)}` : '';
  const head = `${s.cyan(`${chunk.path}:${chunk.startLine}`)}${symbol} ${s.dim(`(${chunk.kind}, lines ${chunk.startLine}-${chunk.endLine})`)}`;
  const body = snippet(hit, query, 4)
    .split('\n')
    .map((line) => `    ${line.length > 160 ? `${line.slice(0, 157)}...` : line}`)
    .join('\n');
  return `${head}\n${body}`;
}
