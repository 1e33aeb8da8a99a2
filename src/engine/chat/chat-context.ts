/**
 * What one chat turn sends, under the model's context window: the instructions (answer with
 * SEARCH/REPLACE blocks), a repository map, the files in the chat in full, the conversation so
 * far (oldest dropped first), retrieved snippets for the message, and the message itself.
 * Slow-changing parts come first so consecutive turns share a prefix the server can cache.
 * Every item records why it is there and its tokens, for /context.
 */
import type { TokenCounter } from '../../context/budget.js';
import type { ImportResolver } from '../../context/imports.js';
import type { ChunkSearch } from '../../context/retrieval.js';
import type { RepoFiles } from '../../context/repo-files.js';
import type { Message } from '../types.js';
import { buildRepoMap, rankRelatedFiles } from './repo-map.js';

export const SYSTEM_PROMPT = `You are inline, an expert software engineer working in the user's repository.
Answer questions directly and concisely in Markdown.
When the user asks for a change, edit the files with SEARCH/REPLACE blocks. Each block is:

path/to/file.ext
\`\`\`language
<<<<<<< SEARCH
the exact existing lines to replace
=======
the new lines
>>>>>>> REPLACE
\`\`\`

Rules:
- Put the file's path, relative to the repository root, alone on the line before the opening fence.
- SEARCH must copy the existing lines exactly, including whitespace, comments and indentation, and match one place only.
- Keep blocks small: only the lines that change plus enough context to be unique. Use several blocks for several places.
- Never elide code with "..." in SEARCH or REPLACE.
- To create a new file, use an empty SEARCH section.
- Only edit files the user added to the chat, or create new ones; ask the user to add any other file you need.`;

export type ContextItemKind = 'instructions' | 'map' | 'file' | 'history' | 'snippet' | 'run-output' | 'message';

export interface ContextItem {
  kind: ContextItemKind;
  path?: string;
  reason: string;
  tokens: number;
  /** False when the item was left out because the budget was spent. */
  included: boolean;
}

export interface ChatContextInput {
  repo: RepoFiles;
  resolver: ImportResolver;
  counter: TokenCounter;
  /** The engine's context window. */
  windowTokens: number;
  /** Tokens kept free for the reply. */
  replyTokens: number;
  files: string[];
  history: readonly Message[];
  message: string;
  /** Output of /run offered to this message. */
  runOutput?: string;
  codeIndex?: ChunkSearch;
}

export interface ChatContext {
  messages: Message[];
  items: ContextItem[];
  /** Tokens of the included items. */
  tokens: number;
  budgetTokens: number;
}

/** The estimate can be ~10% low; this much of the window is never used. */
const HEADROOM = 0.1;
const MAP_SHARE = 0.25;
const MAP_MAX_TOKENS = 4096;
const SNIPPET_MAX_TOKENS = 2048;
const SNIPPETS = 6;
/** Per message overhead of the chat template (role markers). */
const MESSAGE_OVERHEAD = 4;

function fence(path: string, text: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`{3,}/g)].map((m) => m[0].length));
  const ticks = '`'.repeat(longest + 1);
  return `${path}\n${ticks}\n${text.endsWith('\n') ? text : `${text}\n`}${ticks}`;
}

export async function buildChatContext(input: ChatContextInput): Promise<ChatContext> {
  const { counter } = input;
  const count = (text: string) => counter.count(text) + MESSAGE_OVERHEAD;
  const budgetTokens = Math.max(0, Math.floor(input.windowTokens * (1 - HEADROOM)) - input.replyTokens);
  const items: ContextItem[] = [];
  let used = 0;
  const take = (item: Omit<ContextItem, 'included'>, force = false): boolean => {
    const fits = force || used + item.tokens <= budgetTokens;
    items.push({ ...item, included: fits });
    if (fits) used += item.tokens;
    return fits;
  };

  // Always sent: without them there is no turn at all.
  take({ kind: 'instructions', reason: 'how to answer and write edits', tokens: count(SYSTEM_PROMPT) }, true);
  const runBlock = input.runOutput ? `Output of a command I ran:\n${input.runOutput}\n\n` : '';
  const messageTokens = count(input.message);
  take({ kind: 'message', reason: 'your message', tokens: messageTokens }, true);
  if (runBlock) take({ kind: 'run-output', reason: 'output of /run, offered to this message', tokens: counter.count(runBlock) });

  const fileTexts: string[] = [];
  for (const path of input.files) {
    const text = input.repo.read(path);
    if (text === undefined) {
      items.push({ kind: 'file', path, reason: 'added to the chat, but it cannot be read (missing or binary)', tokens: 0, included: false });
      continue;
    }
    const block = fence(path, text);
    if (take({ kind: 'file', path, reason: 'added to the chat', tokens: counter.count(block) })) fileTexts.push(block);
  }

  // The newest exchanges matter most: keep as many as fit, newest first, then restore the order.
  const history: Message[] = [];
  let dropped = 0;
  for (let i = input.history.length - 1; i >= 0; i--) {
    const message = input.history[i]!;
    const tokens = count(message.content);
    if (dropped === 0 && used + tokens <= budgetTokens) {
      history.unshift(message);
      used += tokens;
    } else dropped++;
  }
  if (history.length > 0) items.push({ kind: 'history', reason: `${history.length} earlier message${history.length === 1 ? '' : 's'}`, tokens: history.reduce((s, m) => s + count(m.content), 0), included: true });
  if (dropped > 0) items.push({ kind: 'history', reason: `${dropped} older message${dropped === 1 ? '' : 's'} left out for the budget`, tokens: 0, included: false });

  const mapBudget = Math.min(MAP_MAX_TOKENS, Math.floor((budgetTokens - used) * MAP_SHARE));
  const ranked = await rankRelatedFiles(input.repo, input.resolver, input.files, input.message);
  const map = mapBudget > 0 ? await buildRepoMap(input.repo, ranked, mapBudget, counter) : [];
  for (const entry of map) take({ kind: 'map', path: entry.path, reason: `skeleton: ${entry.reason}`, tokens: entry.tokens }, true);

  const snippetTexts: string[] = [];
  if (input.codeIndex && input.message.trim().length > 2) {
    const chat = new Set(input.files);
    let left = Math.min(SNIPPET_MAX_TOKENS, budgetTokens - used);
    const hits = await input.codeIndex.search(input.message, { k: SNIPPETS, exclude: (chunk) => chat.has(chunk.path) }).catch(() => []);
    for (const hit of hits) {
      const text = hit.chunk.text;
      if (!text) continue;
      const block = fence(`${hit.chunk.path} lines ${hit.chunk.startLine}-${hit.chunk.endLine}`, text);
      const tokens = counter.count(block);
      const reason = `retrieved for your message${hit.chunk.symbol ? ` (${hit.chunk.symbol})` : ''}`;
      if (tokens > left) {
        items.push({ kind: 'snippet', path: hit.chunk.path, reason, tokens, included: false });
        continue;
      }
      take({ kind: 'snippet', path: hit.chunk.path, reason, tokens }, true);
      snippetTexts.push(block);
      left -= tokens;
    }
  }

  const messages: Message[] = [{ role: 'system', content: SYSTEM_PROMPT }];
  if (map.length > 0) {
    messages.push({ role: 'user', content: `Here is a map of other files in the repository (signatures only; ask me to add a file before editing it):\n\n${map.map((e) => e.text).join('\n\n')}` });
    messages.push({ role: 'assistant', content: 'Understood.' });
  }
  if (fileTexts.length > 0) {
    messages.push({ role: 'user', content: `These files are in the chat; their contents below are current, so edit them with SEARCH/REPLACE blocks:\n\n${fileTexts.join('\n\n')}` });
    messages.push({ role: 'assistant', content: 'Understood; I will edit those files with SEARCH/REPLACE blocks.' });
  }
  messages.push(...history);
  const snippetBlock = snippetTexts.length > 0 ? `Code from the repository that may be relevant:\n\n${snippetTexts.join('\n\n')}\n\n` : '';
  const runIncluded = items.some((item) => item.kind === 'run-output' && item.included);
  messages.push({ role: 'user', content: `${snippetBlock}${runIncluded ? runBlock : ''}${input.message}` });
  return { messages, items, tokens: used, budgetTokens };
}

/** A plain-text account of a context, for /context. */
export function describeContext(context: ChatContext, windowTokens: number): string {
  const lines = [`${context.tokens} tokens of a ${context.budgetTokens}-token budget (window ${windowTokens}, minus reply and headroom):`];
  for (const item of context.items) {
    const what = item.path ? `${item.kind} ${item.path}` : item.kind;
    lines.push(`  ${item.included ? '+' : '-'} ${what.padEnd(40)} ${String(item.tokens).padStart(6)}  ${item.reason}`);
  }
  return lines.join('\n');
}
