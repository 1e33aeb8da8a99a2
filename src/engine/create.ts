/**
 * Builds the engines the configuration asks for (DESIGN §4–5). The local engine is the default;
 * a base URL selects openai-http and a GGUF path selects llama, and with either of those the
 * local engine stands by as the fallback, built only if it is needed.
 */
import { stat } from 'node:fs/promises';
import type { InlineConfig } from '../config/schema.js';
import type { Engine } from './types.js';

export interface EngineSet {
  /** The configured engine. */
  engine: Engine;
  /** The local engine, built on first call, when `engine` is not already it. */
  fallback?: () => Promise<Engine>;
  /** Identifies the model in cache keys. */
  modelId: string;
  /** Keeps the local engine's statistics current (if it has been built): new text, or undefined when deleted. */
  fileChanged(path: string, text: string | undefined): void;
  close(): Promise<void>;
}

interface LocalLike extends Engine {
  update(path: string, text: string): void;
  remove(path: string): void;
  close?(): Promise<void> | void;
}

function forwardTo(local: LocalLike | undefined, path: string, text: string | undefined): void {
  if (!local) return;
  if (text === undefined) local.remove(path);
  else local.update(path, text);
}

export async function createEngines(config: InlineConfig, repo: { root: string; git: boolean }): Promise<EngineSet> {
  let built: LocalLike | undefined;
  const openLocal = async (): Promise<LocalLike> => {
    const { LocalEngine } = await import('./engines/local.js');
    built = LocalEngine.create(repo);
    return built;
  };
  const fileChanged = (path: string, text: string | undefined) => forwardTo(built, path, text);
  if (config.engine === 'local') {
    const local = await openLocal();
    return { engine: local, modelId: 'local', fileChanged, close: async () => void (await local.close?.()) };
  }
  let local: Promise<LocalLike> | undefined;
  const fallback = () => (local ??= openLocal());
  const closeLocal = async () => void (await (await local)?.close?.());
  if (config.engine === 'llama') {
    const { LlamaEngine } = await import('./engines/llama.js');
    const modelPath = config.gguf!;
    const engine = await LlamaEngine.open({ modelPath, ...(config.contextTokens ? { contextTokens: config.contextTokens } : {}) });
    const modified = await stat(modelPath).then((s) => s.mtimeMs, () => 0);
    return {
      engine,
      fallback,
      modelId: `llama:${modelPath}:${modified}`,
      fileChanged,
      close: async () => {
        await Promise.allSettled([engine.close(), closeLocal()]);
      },
    };
  }
  const { OpenAIHttpEngine } = await import('./engines/openai-http.js');
  const engine = OpenAIHttpEngine.fromConfig(config);
  return {
    engine,
    fallback,
    modelId: `openai-http:${config.fimModel ?? config.model ?? 'auto'}:${config.fimTemplate ?? ''}`,
    fileChanged,
    close: closeLocal,
  };
}
