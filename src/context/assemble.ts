/**
 * Builds the completion prompt under a token budget (DESIGN §7) and reports what it chose and
 * why. Priority: the cursor window, then the enclosing scope, definitions of names near the
 * cursor, skeletons of imported files, recent edits. Layout is prefix-stable: snippets appear
 * in the order they were first chosen for this file (new ones are appended), and the cursor
 * window comes last, so consecutive keystrokes share almost the whole prompt.
 */
import type { TokenCounter } from './budget.js';
import { countRemembered, fitToTokens } from './budget.js';
import type { DefinitionFinder } from './definitions.js';
import type { FimTemplate } from './fim.js';
import { languageForPath } from './languages.js';
import { parsedExtent } from './parsed-extent.js';
import { scopeAt } from './scope.js';
import {
  definitionSnippets,
  importSkeletonSnippets,
  scopeSnippet,
  snippetKey,
  type CandidateLimits,
  type Snippet,
  type SnippetKind,
} from './snippets.js';
import { cursorWindow } from './window.js';

export interface AssembleRequest {
  path: string;
  text: string;
  offset: number;
  /** Tokens the prompt may use (the model's window minus the tokens reserved for the answer). */
  budgetTokens: number;
  template: FimTemplate;
  counter: TokenCounter;
  repoName?: string;
  recentEdits?: Array<{ path: string; startLine: number; endLine: number; content: string }>;
}

export interface ChosenSnippet extends Omit<Snippet, 'score'> {
  tokens: number;
  truncated: boolean;
}

export interface DroppedSnippet {
  kind: SnippetKind;
  path: string;
  startLine: number;
  endLine: number;
  reason: string;
  tokens: number;
  why: string;
}

export interface AssembledPrompt {
  prompt: string;
  template: string;
  stop: string[];
  prefix: string;
  suffix: string;
  window: { prefixStartLine: number; cursorLine: number; cursorColumn: number; suffixEndLine: number };
  snippets: ChosenSnippet[];
  dropped: DroppedSnippet[];
  tokens: { budget: number; prompt: number; prefix: number; suffix: number; context: number };
  counter: { name: string; exact: boolean };
}

/** Snippets similar to the code at the cursor, from the code index (hybrid search). */
export type Retriever = (query: { path: string; text: string; offset: number }) => Promise<Snippet[]>;

export interface AssemblerOptions {
  prefixShare: number;
  suffixShare: number;
  limits: CandidateLimits;
  retrieve?: Retriever;
}

const DEFAULTS: AssemblerOptions = {
  prefixShare: 0.45,
  suffixShare: 0.06,
  limits: { maxDefinitions: 6, definitionBodyLines: 24, maxImportSkeletons: 4 },
};

/** Order of kinds when nothing was chosen before: the slowest-changing material first. */
const KIND_ORDER: SnippetKind[] = ['import-skeleton', 'definition', 'retrieved', 'recent-edit', 'scope'];
/** A snippet cut below this share of itself says too little to be worth its tokens. */
const MIN_TRUNCATED_SHARE = 0.35;
const REMEMBERED_FILES = 64;
const TRUNCATION_STEP = 64;

export class ContextAssembler {
  private readonly options: AssemblerOptions;
  /** Per file, the snippets last sent, in the order they were first chosen. */
  private readonly layouts = new Map<string, Snippet[]>();
  /** Per file, the keys of the candidates of the last request. */
  private readonly candidateKeys = new Map<string, Set<string>>();

  constructor(
    private readonly finder: DefinitionFinder,
    options: Partial<AssemblerOptions> = {},
  ) {
    this.options = { ...DEFAULTS, ...options, limits: { ...DEFAULTS.limits, ...options.limits } };
  }

  async assemble(request: AssembleRequest): Promise<AssembledPrompt> {
    const { counter, budgetTokens } = request;
    const window = cursorWindow(
      request.text,
      request.offset,
      Math.floor(budgetTokens * this.options.prefixShare),
      Math.floor(budgetTokens * this.options.suffixShare),
      counter,
    );
    const candidates = await this.candidates(request, window.prefixStartLine);
    const overhead = counter.count(request.template.build({ prefix: '', suffix: '', path: request.path, repoName: request.repoName }));
    let remaining = budgetTokens - window.prefixTokens - window.suffixTokens - overhead;

    const previousSnippets = this.layouts.get(request.path) ?? [];
    const previous = previousSnippets.map(snippetKey);
    const rank = (s: Snippet) => {
      const before = previous.indexOf(snippetKey(s));
      return before === -1 ? Number.POSITIVE_INFINITY : before;
    };
    // Snippets chosen for the last keystroke keep their place first; then by kind priority and score.
    const priority = ['scope', 'definition', 'import-skeleton', 'retrieved', 'recent-edit'];
    const ordered = [...candidates].sort(
      (a, b) => rank(a) - rank(b) || priority.indexOf(a.kind) - priority.indexOf(b.kind) || b.score - a.score,
    );
    // Context sent for earlier keystrokes stays while there is room, even once the names that
    // brought it have scrolled out of view: dropping it would change the middle of the prompt
    // and cost the server its cached prefix. It yields to everything fresh.
    const fresh = new Set(candidates.map(snippetKey));
    const lingering = previousSnippets.filter((s) => (s.kind === 'definition' || s.kind === 'import-skeleton') && !fresh.has(snippetKey(s)));
    ordered.push(...lingering);
    const originals = new Map(ordered.map((s) => [snippetKey(s), s]));
    // A snippet new to this file's prompt must have been a candidate last time too. Names half
    // typed at the cursor match a different definition on every keystroke; without this each
    // would be added and dropped again, rewriting the prompt before the cursor window each time.
    const lastCandidates = this.candidateKeys.get(request.path);
    this.candidateKeys.set(request.path, fresh);
    const admissible = (s: Snippet) => !lastCandidates || previous.includes(snippetKey(s)) || lastCandidates.has(snippetKey(s));

    const chosen: ChosenSnippet[] = [];
    const dropped: DroppedSnippet[] = [];
    for (const snippet of ordered) {
      if (!admissible(snippet)) {
        dropped.push({ kind: snippet.kind, path: snippet.path, startLine: snippet.startLine, endLine: snippet.endLine, reason: snippet.reason, tokens: 0, why: 'new this keystroke; added if still relevant on the next' });
        continue;
      }
      // Each extra file also costs its separator and path line.
      const cost = countRemembered(counter, snippet.content) + counter.count(`${snippet.path}\n`) + 2;
      if (cost <= remaining) {
        chosen.push({ ...stripScore(snippet), tokens: cost, truncated: false });
        remaining -= cost;
        continue;
      }
      // Rounded down so that the cut does not move with every token the prefix grows.
      const room = Math.floor((remaining - counter.count(`${snippet.path}\n`) - 2) / TRUNCATION_STEP) * TRUNCATION_STEP;
      if (room > 0 && room / cost >= MIN_TRUNCATED_SHARE) {
        const content = fitToTokens(snippet.content, room, counter, 'start');
        const tokens = counter.count(content) + counter.count(`${snippet.path}\n`) + 2;
        chosen.push({ ...stripScore(snippet), content, tokens, truncated: true });
        remaining -= tokens;
        continue;
      }
      dropped.push({ kind: snippet.kind, path: snippet.path, startLine: snippet.startLine, endLine: snippet.endLine, reason: snippet.reason, tokens: cost, why: 'over the token budget' });
    }

    // Token counts of the parts do not add up exactly to the count of the whole (estimates and
    // BPE merges across boundaries), so the whole prompt is checked and trimmed until it fits.
    let prefix = window.prefix;
    let layout = this.layout(chosen, previous);
    const build = () =>
      request.template.build({ prefix, suffix: window.suffix, path: request.path, repoName: request.repoName, extraFiles: layout.map((s) => ({ path: s.path, content: s.content })) });
    let prompt = build();
    let promptTokens = counter.count(prompt);
    while (promptTokens > budgetTokens) {
      const over = promptTokens - budgetTokens;
      const last = chosen.pop();
      if (last) {
        dropped.push({ kind: last.kind, path: last.path, startLine: last.startLine, endLine: last.endLine, reason: last.reason, tokens: last.tokens, why: 'over the token budget' });
        layout = layout.filter((s) => s !== last);
      } else {
        const shorter = fitToTokens(prefix, Math.max(0, counter.count(prefix) - over - 1), counter, 'end');
        if (shorter.length >= prefix.length) break;
        prefix = shorter;
      }
      prompt = build();
      promptTokens = counter.count(prompt);
    }
    this.remember(request.path, layout.map((s) => originals.get(snippetKey(s))!));
    const contextTokens = layout.reduce((sum, s) => sum + s.tokens, 0);
    return {
      prompt,
      template: request.template.id,
      stop: request.template.stop,
      prefix,
      suffix: window.suffix,
      window: { prefixStartLine: window.prefixStartLine + 1, cursorLine: window.cursorLine + 1, cursorColumn: window.cursorColumn + 1, suffixEndLine: window.suffixEndLine + 1 },
      snippets: layout,
      dropped,
      tokens: { budget: budgetTokens, prompt: promptTokens, prefix: counter.count(prefix), suffix: window.suffixTokens, context: contextTokens },
      counter: { name: counter.name, exact: counter.exact },
    };
  }

  private async candidates(request: AssembleRequest, prefixStartLine: number): Promise<Snippet[]> {
    const query = { path: request.path, text: request.text, offset: request.offset };
    const language = languageForPath(request.path);
    const [scope, definitions, skeletons, retrieved] = await Promise.all([
      // Scope headers are above the cursor, so the parsed extent serves; the scopes' ends may be cut.
      language ? scopeAt(language, parsedExtent(request.text, request.offset), request.offset) : { scopes: [] },
      definitionSnippets(this.finder, query, this.options.limits),
      importSkeletonSnippets(this.finder, query, this.options.limits),
      this.options.retrieve ? this.options.retrieve(query) : Promise.resolve([]),
    ]);
    const out: Snippet[] = [];
    const scopeHeaders = scopeSnippet(request.path, request.text, scope.scopes, prefixStartLine);
    if (scopeHeaders) out.push(scopeHeaders);
    // Retrieval finds what imports and names did not: skip what is already there.
    const covered = (r: Snippet) => [...definitions, ...skeletons].some((s) => s.path === r.path && s.startLine <= r.startLine && r.endLine <= s.endLine);
    out.push(...definitions, ...skeletons, ...retrieved.filter((r) => !covered(r)));
    for (const edit of request.recentEdits ?? []) {
      out.push({ kind: 'recent-edit', path: edit.path, startLine: edit.startLine, endLine: edit.endLine, reason: 'recently edited', content: edit.content, score: 1 });
    }
    return out;
  }

  /** Previously placed snippets keep their order; new ones follow, slow-changing kinds first. */
  private layout(chosen: ChosenSnippet[], previous: string[]): ChosenSnippet[] {
    const byKey = new Map(chosen.map((s) => [snippetKey(s), s]));
    const kept = previous.filter((key) => byKey.has(key));
    const added = chosen
      .filter((s) => !kept.includes(snippetKey(s)))
      .sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || a.path.localeCompare(b.path) || a.startLine - b.startLine)
      .map(snippetKey);
    return [...kept, ...added].map((key) => byKey.get(key)!);
  }

  private remember(path: string, layout: Snippet[]): void {
    this.layouts.delete(path);
    this.layouts.set(path, layout);
    if (this.layouts.size > REMEMBERED_FILES) {
      const oldest = this.layouts.keys().next().value!;
      this.layouts.delete(oldest);
      this.candidateKeys.delete(oldest);
    }
  }
}

function stripScore(snippet: Snippet): Omit<Snippet, 'score'> {
  const { score: _score, ...rest } = snippet;
  return rest;
}
