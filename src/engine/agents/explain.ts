/**
 * `inline explain`: the prompt for explaining a target, with the code it depends on. The
 * definitions it uses come from the context engine's DefinitionFinder (looked up at a few points
 * across the target); its callers come from the code index when the repository has one.
 */
import { DefinitionFinder } from '../../context/definitions.js';
import { languageForPath } from '../../context/languages.js';
import { extractSymbols } from '../../context/symbols.js';
import type { RepoFiles } from '../../context/repo-files.js';
import type { ChunkSearch } from '../../context/retrieval.js';
import type { Message } from '../types.js';
import type { ResolvedTarget } from './target.js';

export interface ExplainContextItem {
  kind: 'definition' | 'caller';
  path: string;
  /** 1-based, inclusive. */
  startLine: number;
  endLine: number;
  name?: string;
  reason: string;
  code: string;
}

export interface ExplainInput {
  repo: RepoFiles;
  target: ResolvedTarget;
  codeIndex?: ChunkSearch;
}

const MAX_DEFINITIONS = 6;
const MAX_CALLERS = 4;
const MAX_ITEM_LINES = 60;
/** Points across the target where definitions are looked up: references are found near each. */
const LOOKUP_POINTS = 4;

export const EXPLAIN_SYSTEM_PROMPT = `You are inline, an expert software engineer explaining code in the user's repository.
Explain what the target code does, how it works step by step, its inputs, outputs and side effects, and anything surprising (edge cases, errors, performance).
Use the related code only to explain how the target fits in; do not explain it for its own sake.
Answer in concise Markdown. Do not propose edits.`;

function clip(code: string): string {
  const lines = code.split('\n');
  return lines.length <= MAX_ITEM_LINES ? code : `${lines.slice(0, MAX_ITEM_LINES).join('\n')}\n… (${lines.length - MAX_ITEM_LINES} more lines)`;
}

function targetOffsets(target: ResolvedTarget): { start: number; end: number } {
  if (target.symbol) return { start: target.symbol.range.startIndex, end: target.symbol.range.endIndex };
  const lines = target.text.split('\n');
  let start = 0;
  for (let i = 0; i < target.startLine - 1; i++) start += lines[i]!.length + 1;
  return { start, end: start + target.code.length };
}

function overlapsTarget(target: ResolvedTarget, path: string, startLine: number, endLine: number): boolean {
  return path === target.path && startLine <= target.endLine && endLine >= target.startLine;
}

async function definitionsUsed(input: ExplainInput): Promise<ExplainContextItem[]> {
  const { target, repo } = input;
  const finder = DefinitionFinder.forRepo(repo);
  if (input.codeIndex) finder.useCodeIndex(input.codeIndex);
  const { start, end } = targetOffsets(target);
  const step = Math.max(1, Math.floor((end - start) / LOOKUP_POINTS));
  const found = new Map<string, ExplainContextItem & { score: number }>();
  for (let offset = end; offset > start; offset -= step) {
    const hits = await finder.find({ path: target.path, text: target.text, offset }, MAX_DEFINITIONS);
    for (const hit of hits) {
      const startLine = hit.symbol.range.startLine + 1;
      const endLine = hit.symbol.range.endLine + 1;
      // Retrieval by similarity also offers code the target never names: that is not a dependency.
      if (overlapsTarget(target, hit.path, startLine, endLine) || !wordPattern(hit.symbol.name).test(target.code)) continue;
      const key = `${hit.path}:${startLine}`;
      if ((found.get(key)?.score ?? -Infinity) >= hit.score) continue;
      const text = hit.path === target.path ? target.text : repo.read(hit.path);
      if (text === undefined) continue;
      const code = clip(text.slice(hit.symbol.range.startIndex, hit.symbol.range.endIndex));
      found.set(key, { kind: 'definition', path: hit.path, startLine, endLine, name: hit.name, reason: `defines ${hit.name} (${hit.reason})`, code, score: hit.score });
    }
  }
  return [...found.values()]
    .sort((a, b) => b.score - a.score)
    .slice(0, MAX_DEFINITIONS)
    .map(({ score: _score, ...item }) => item);
}

function wordPattern(name: string): RegExp {
  return new RegExp(`\\b${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`);
}

/**
 * Definitions elsewhere in the target's own file that it names: the finder leaves the current
 * file to the editor's prefix, but an explanation needs them as much as imported ones.
 */
async function sameFileDefinitions(target: ResolvedTarget): Promise<ExplainContextItem[]> {
  const language = languageForPath(target.path);
  if (!language) return [];
  const symbols = await extractSymbols(language, target.text).catch(() => []);
  const items: ExplainContextItem[] = [];
  for (const symbol of symbols) {
    const startLine = symbol.range.startLine + 1;
    const endLine = symbol.range.endLine + 1;
    if (overlapsTarget(target, target.path, startLine, endLine) || !wordPattern(symbol.name).test(target.code)) continue;
    const code = clip(target.text.slice(symbol.range.startIndex, symbol.range.endIndex));
    items.push({ kind: 'definition', path: target.path, startLine, endLine, name: symbol.name, reason: `defines ${symbol.name} (same file)`, code });
  }
  return items;
}

async function callersOf(input: ExplainInput): Promise<ExplainContextItem[]> {
  const { target, codeIndex } = input;
  const name = target.symbol?.name;
  if (!codeIndex || !name) return [];
  const uses = wordPattern(name);
  const hits = await codeIndex.search(name, { k: MAX_CALLERS * 3 }).catch(() => []);
  const callers: ExplainContextItem[] = [];
  for (const { chunk } of hits) {
    if (!chunk.text || !uses.test(chunk.text) || overlapsTarget(target, chunk.path, chunk.startLine, chunk.endLine)) continue;
    callers.push({ kind: 'caller', path: chunk.path, startLine: chunk.startLine, endLine: chunk.endLine, ...(chunk.symbol ? { name: chunk.symbol } : {}), reason: `uses ${name}`, code: clip(chunk.text) });
    if (callers.length === MAX_CALLERS) break;
  }
  return callers;
}

/** The definitions the target uses, then its callers. */
export async function gatherExplainContext(input: ExplainInput): Promise<ExplainContextItem[]> {
  const [local, definitions, callers] = await Promise.all([sameFileDefinitions(input.target), definitionsUsed(input), callersOf(input)]);
  const seen = new Set(local.map((item) => `${item.path}:${item.startLine}`));
  const imported = definitions.filter((item) => !seen.has(`${item.path}:${item.startLine}`));
  return [...local, ...imported].slice(0, MAX_DEFINITIONS).concat(callers);
}

function fence(code: string): string {
  const longest = Math.max(2, ...[...code.matchAll(/`{3,}/g)].map((m) => m[0].length));
  const ticks = '`'.repeat(longest + 1);
  return `${ticks}\n${code.endsWith('\n') ? code : `${code}\n`}${ticks}`;
}

export function describeTarget(target: ResolvedTarget): string {
  const symbol = target.symbol ? ` (${target.symbol.container ? `${target.symbol.container}.` : ''}${target.symbol.name})` : '';
  return `${target.path} lines ${target.startLine}-${target.endLine}${symbol}`;
}

export function buildExplainMessages(target: ResolvedTarget, context: ExplainContextItem[]): Message[] {
  const related = context.map((item) => `${item.path} lines ${item.startLine}-${item.endLine} — ${item.kind}: ${item.reason}\n${fence(item.code)}`);
  const relatedBlock = related.length > 0 ? `Related code from the repository:\n\n${related.join('\n\n')}\n\n` : '';
  return [
    { role: 'system', content: EXPLAIN_SYSTEM_PROMPT },
    { role: 'user', content: `${relatedBlock}Explain this code, ${describeTarget(target)}:\n\n${fence(target.code)}` },
  ];
}
