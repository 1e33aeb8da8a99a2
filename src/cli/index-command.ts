/** `inline index [--rebuild]`: build or update the code index, with a summary. */
import type { UpdateSummary } from '../index/code-index.js';
import { openCodeIndex } from '../index/open.js';
import type { CommandContext } from './command-context.js';
import { createProgressBar } from './progress.js';
import type { Style } from './style.js';

const PHASES = { walk: 'scanning', chunk: 'parsing', embed: 'embedding', save: 'saving' } as const;

export async function run(context: CommandContext, _args: string[], options: Record<string, unknown>): Promise<number> {
  const { root, git } = context.root();
  const index = await openCodeIndex({ root, git, config: context.config().config, rebuild: options.rebuild === true });
  if (index.warning) context.output.err(`${context.output.errStyle.yellow('warning:')} ${index.warning}`);
  const bar = createProgressBar();
  try {
    const summary = await index.update({ rebuild: options.rebuild === true, onProgress: (p) => bar.update(PHASES[p.phase], p.done, p.total) });
    bar.done();
    if (context.options.json) context.output.json(summary);
    else context.output.out(renderSummary(summary, context.output.style));
  } finally {
    bar.done();
    await index.close();
  }
  return 0;
}

export function renderSummary(s: UpdateSummary, style: Style): string {
  const verb = s.rebuilt ? 'built' : 'updated';
  const lines = [
    `${style.bold(`index ${verb}`)}: ${s.files} files, ${s.chunks} chunks in ${s.seconds.toFixed(2)} s ${style.dim(`(embedder ${s.embedder})`)}`,
    `  ${s.added} added, ${s.changed} changed, ${s.removed} removed, ${s.unchanged} unchanged`,
  ];
  const languages = Object.entries(s.languages).sort((a, b) => b[1].chunks - a[1].chunks);
  if (languages.length > 0) lines.push(`  ${languages.map(([name, l]) => `${name} ${l.files} files/${l.chunks} chunks`).join(', ')}`);
  const skipped = Object.entries(s.skipped);
  if (skipped.length > 0) lines.push(style.dim(`  skipped: ${skipped.map(([reason, n]) => `${n} ${reason}`).join(', ')}`));
  return lines.join('\n');
}
