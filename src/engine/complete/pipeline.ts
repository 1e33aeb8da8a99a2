/**
 * The completion orchestrator (DESIGN §6): prefilter → cache → prompt → generate → postprocess →
 * secrets → rank → result and a telemetry event. Each stage lives in its own folder; this file
 * only sequences them, times them, and falls back to the local engine when the configured one
 * fails or misses its deadline.
 */
import { randomBytes } from 'node:crypto';
import { languageForPath, type LanguageId } from '../../context/languages.js';
import { syntaxErrorsAdded } from '../../context/parse.js';
import type { ContextSession } from '../../context/session.js';
import type { TelemetryLog } from '../../telemetry/events.js';
import { EngineError } from '../errors.js';
import type { CompletionRequest, Engine } from '../types.js';
import { CompletionCache, type CachedCandidate, type CachedCompletion, type CacheQuery } from './cache/completion-cache.js';
import { firstTextWithin, DeadlineMissed } from './generate/deadline.js';
import { generate, type GeneratedCandidate } from './generate/generate.js';
import { runPostprocess } from './postprocess/index.js';
import type { PostprocessFilter } from './postprocess/types.js';
import { Prefilter } from './prefilter/prefilter.js';
import { buildRequest, DEFAULT_PROMPT_OPTIONS, type PromptOptions } from './prompt/build-request.js';
import { indentationAt, opensBlockAt, wantsMultiline } from './prompt/multiline.js';
import { rankCandidates } from './rank/rank.js';
import { containsSecret } from './secrets/secret-guard.js';
import { StageClock } from './stage-clock.js';
import type { CacheOutcome, CompletionInput, CompletionItem, CompletionResult } from './types.js';

export interface PipelineOptions {
  /** The configured engine. */
  engine: Engine;
  /** The local engine, built on first use: the fallback when `engine` fails or is too slow. */
  fallback?: () => Promise<Engine>;
  /** Context assembly for prompt-reading engines, opened on first use. */
  context: () => Promise<ContextSession>;
  cache?: CompletionCache;
  telemetry?: TelemetryLog;
  /** Names the model in cache keys, so switching models does not serve the old one's text. */
  modelId: string;
  /** Milliseconds the configured engine has to produce its first text before the fallback answers. */
  deadlineMs: number;
  prompt?: Partial<PromptOptions>;
  filters?: PostprocessFilter[];
  /** Lines a multi-line suggestion may have. */
  maxLines?: number;
}

interface Generated {
  candidates: GeneratedCandidate[];
  engine: string;
  /** Whether the answer came from an engine that reads raw text (the local statistics). */
  fromStatistics?: boolean;
  fallback?: { from: string; reason: string };
}

export class CompletionPipeline {
  private readonly prefilter = new Prefilter();
  private readonly cache: CompletionCache;
  private readonly promptOptions: PromptOptions;

  constructor(private readonly options: PipelineOptions) {
    this.cache = options.cache ?? new CompletionCache();
    this.promptOptions = { ...DEFAULT_PROMPT_OPTIONS, ...options.prompt };
  }

  async complete(input: CompletionInput): Promise<CompletionResult> {
    const clock = new StageClock();
    const language = languageForPath(input.path);
    const multiline = wantsMultiline(input.text, input.offset);
    const n = Math.max(1, input.n ?? 1);
    const documentKey = input.documentKey ?? input.path;
    const id = randomBytes(6).toString('hex');
    this.options.telemetry?.record('completion.requested', { id, path: input.path, language, trigger: input.trigger ?? 'invoked', n, multiline });
    const base = { id, language, multiline, dropped: { postprocess: 0, secrets: 0, duplicates: 0 } };

    const skipped = await clock.time('prefilter', () => this.prefilter.skipReason(input, language));
    const skip = (reason: string) => this.finish({ ...base, items: [], skipped: reason, cache: 'miss', engine: this.engineName(), latency: clock.report() }, input);
    // An unchanged document still gets what the cache holds for it; it only never reaches an engine.
    if (skipped && skipped !== 'unchanged') return skip(skipped);

    const prefix = input.text.slice(0, input.offset);
    const suffix = input.text.slice(input.offset);
    const query: CacheQuery = { documentKey, language: language ?? 'text', model: this.options.modelId, n, prefix, suffix };
    const hit = clock.timeSync('cache', () => this.cache.lookup(query));
    if (hit) {
      if (hit.kind === 'type-through') this.cache.rememberShown(query, hit.value);
      const items = this.items(hit.value.candidates, input.offset, hit.value.engine, hit.kind);
      return this.finish({ ...base, items, cache: hit.kind, engine: hit.value.engine, latency: clock.report() }, input);
    }
    if (skipped) return skip(skipped);

    const generated = await this.generateWithFallback(input, language, multiline, n, clock);
    const context = { path: input.path, ...(language ? { language } : {}), prefix, suffix, multiline };
    const kept: Array<GeneratedCandidate & { addedErrors?: number }> = [];
    const dropped = { ...base.dropped };
    const processed = await clock.time('postprocess', async () => {
      const out: GeneratedCandidate[] = [];
      for (const candidate of generated.candidates) {
        const { text } = await runPostprocess(candidate.text, context, this.options.filters);
        if (text === undefined || text.trim().length === 0) dropped.postprocess++;
        else out.push({ ...candidate, text });
      }
      return out;
    });
    clock.timeSync('secrets', () => {
      for (const candidate of processed) {
        if (containsSecret(candidate.text, prefix, suffix, input.path)) dropped.secrets++;
        else kept.push(candidate);
      }
    });
    const ranked = await clock.time('rank', async () => {
      if (kept.length > 1 && language) {
        for (const candidate of kept) candidate.addedErrors = await syntaxErrorsAdded(language, prefix, candidate.text, suffix);
      }
      return rankCandidates(kept);
    });
    dropped.duplicates = ranked.duplicates;
    const candidates: CachedCandidate[] = ranked.ranked.map(({ text, logprob }) => (logprob === undefined ? { text } : { text, logprob }));
    this.remember(query, { candidates, engine: generated.engine }, generated);
    const items = this.items(candidates, input.offset, generated.engine, 'miss');
    return this.finish(
      { ...base, dropped, items, cache: 'miss', engine: generated.engine, ...(generated.fallback ? { fallback: generated.fallback } : {}), latency: clock.report() },
      input,
    );
  }

  private async generateWithFallback(input: CompletionInput, language: LanguageId | undefined, multiline: boolean, n: number, clock: StageClock): Promise<Generated> {
    const { engine, fallback } = this.options;
    const rules = {
      multiline,
      indent: indentationAt(input.text, input.offset),
      opensBlock: opensBlockAt(input.text, input.offset),
      maxLines: this.options.maxLines ?? 12,
    };
    const promptInput = { path: input.path, text: input.text, offset: input.offset, multiline, n, routeKey: input.documentKey ?? input.path, ...(language ? { language } : {}) };
    const prepare = (chosen: Engine) => clock.time('prompt', () => buildRequest(promptInput, chosen.info(), this.options.context, this.promptOptions));
    const run = (chosen: Engine, request: CompletionRequest, signal: AbortSignal, onFirstText?: () => void) =>
      clock.time('generate', () => generate(chosen, request, rules, signal, { onFirstText }));
    const signal = input.signal ?? new AbortController().signal;
    const primary = engine.info();
    const { request } = await prepare(engine);
    if (!fallback || primary.readsPrompt === false) {
      return { candidates: await run(engine, request, signal), engine: primary.name, fromStatistics: primary.readsPrompt === false };
    }
    try {
      await clock.time('generate', async () => engine.warmUp?.(signal));
      // The deadline covers the engine's answer only: building the prompt is our own time.
      const candidates = await firstTextWithin(this.options.deadlineMs, signal, (attempt, onFirstText) => run(engine, request, attempt, onFirstText));
      return { candidates, engine: primary.name };
    } catch (error) {
      signal.throwIfAborted();
      if (!(error instanceof DeadlineMissed) && !(error instanceof EngineError)) throw error;
      const reason = error instanceof DeadlineMissed ? `no answer within ${this.options.deadlineMs} ms` : error.message;
      const local = await fallback();
      const { request: localRequest } = await prepare(local);
      return { candidates: await run(local, localRequest, signal), engine: local.info().name, fallback: { from: primary.name, reason } };
    }
  }

  /**
   * Nothing is not worth keeping: asking again is cheap, and the answer may change. A fallback
   * answer is not what the configured model would say, so it must not shadow that. The local
   * engine's answers follow the repository's statistics, which change under a running process,
   * so they stay in memory only.
   */
  private remember(query: CacheQuery, value: CachedCompletion, generated: Generated): void {
    if (value.candidates.length === 0) return;
    if (generated.fallback) this.cache.rememberShown(query, value);
    else this.cache.store(query, value, { disk: !generated.fromStatistics });
  }

  private items(candidates: CachedCandidate[], offset: number, engine: string, cached: CacheOutcome): CompletionItem[] {
    return candidates.map((c) => ({
      text: c.text,
      range: { start: offset, end: offset },
      engine,
      cached,
      ...(c.logprob === undefined ? {} : { logprob: c.logprob }),
    }));
  }

  private engineName(): string {
    return this.options.engine.info().name;
  }

  private finish(result: CompletionResult, input: CompletionInput): CompletionResult {
    this.options.telemetry?.record('completion.served', {
      id: result.id,
      path: input.path,
      language: result.language,
      engine: result.engine,
      cache: result.cache,
      skipped: result.skipped,
      fallback: result.fallback?.reason,
      items: result.items.length,
      dropped: result.dropped,
      latency: result.latency,
    });
    return result;
  }
}
