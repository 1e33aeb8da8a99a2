/**
 * Everything a front end needs to serve completions for one repository, wired once: the engines
 * (the configured one behind the scheduler, the local one as fallback), the context session with
 * the code index, the cache with its disk layer, and the telemetry log. The CLI opens it for one
 * request; the watch daemon keeps it open.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { InlineConfig } from '../../config/schema.js';
import { ContextSession } from '../../context/session.js';
import type { CodeIndex } from '../../index/code-index.js';
import { openExistingIndex } from '../../index/open.js';
import { TelemetryLog } from '../../telemetry/events.js';
import { createEngines, type EngineSet } from '../create.js';
import { Scheduler, scheduledEngine } from '../scheduler.js';
import { CompletionCache } from './cache/completion-cache.js';
import { CompletionPipeline } from './pipeline.js';

export interface CompletionServiceOptions {
  root: string;
  git: boolean;
  config: InlineConfig;
  env?: NodeJS.ProcessEnv;
}

export interface CompletionService {
  pipeline: CompletionPipeline;
  engines: EngineSet;
  telemetry: TelemetryLog;
  /**
   * Files changed on disk (saved by any editor, or by git): the local engine's statistics follow
   * at once and the code index, if open, is brought up to date in memory.
   */
  filesChanged(changes: Array<{ path: string; text: string | undefined }>): Promise<void>;
  /** Loads the model or builds the statistics, and opens the context, before the first request needs them. */
  warmUp(): Promise<void>;
  close(): Promise<void>;
}

export async function openCompletionService(options: CompletionServiceOptions): Promise<CompletionService> {
  const { root, git, config } = options;
  const engines = await createEngines(config, { root, git });
  const telemetry = TelemetryLog.open(root, { env: options.env ?? process.env });
  let index: Promise<CodeIndex | undefined> | undefined;
  let session: Promise<ContextSession> | undefined;
  const openIndex = () => (index ??= openExistingIndex({ root, git, config }).catch(() => undefined));
  const context = () =>
    (session ??= openIndex().then((codeIndex) =>
      ContextSession.open({ root, git, model: config.fimModel ?? config.model, template: config.fimTemplate, codeIndex }),
    ));
  const pipeline = new CompletionPipeline({
    engine: scheduledEngine(engines.engine, new Scheduler()),
    ...(engines.fallback ? { fallback: engines.fallback } : {}),
    context,
    cache: new CompletionCache({ root }),
    telemetry,
    modelId: engines.modelId,
    deadlineMs: config.completion.deadlineMs,
    prompt: { budgetTokens: config.completion.promptTokens },
  });
  return {
    pipeline,
    engines,
    telemetry,
    warmUp: async () => {
      const signal = new AbortController().signal;
      // One after the other: each reads the whole repository, and the process keeps the peak the
      // two would reach together (a model loads in its own process and does not add to it).
      await context();
      await engines.engine.warmUp?.(signal);
    },
    filesChanged: async (changes) => {
      for (const { path, text } of changes) engines.fileChanged(path, text);
      const context = await session;
      for (const { path, text } of changes) context?.fileChanged(path, text !== undefined || existsSync(join(root, path)));
      const opened = await index;
      // The walk finds what changed; persisting waits for close so a burst of saves costs one write.
      if (opened) await opened.update({ persist: false });
    },
    close: async () => {
      await Promise.allSettled([engines.close(), telemetry.flush(), index?.then(async (i) => {
        if (!i) return;
        await i.save();
        await i.close();
      })]);
    },
  };
}
