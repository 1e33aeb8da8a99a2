/**
 * Probes one OpenAI-compatible endpoint the way a user debugging a setup would: is it up, which
 * server is it, which models does it serve, and how large a context will it really accept.
 */
import { detectModelFamily, type FamilyMatch } from '../../context/model-family.js';
import type { OpenAIHttpEngine, ServedModel } from '../engines/openai-http.js';
import type { Endpoint } from '../http/endpoints.js';

export type ServerKind = 'vllm' | 'sglang' | 'llama.cpp' | 'ollama' | 'tgi' | 'unknown';

export interface ModelCheck {
  name: string;
  role: 'model' | 'fimModel' | 'embedModel';
  served: boolean;
  fim: { capable: boolean; family?: string; reason: string };
  contextTokens?: number;
  contextSource?: string;
}

export interface EndpointReport {
  url: string;
  reachable: boolean;
  latencyMs?: number;
  server?: ServerKind;
  models: ServedModel[];
  checks: ModelCheck[];
  error?: string;
  problems: string[];
  warnings: string[];
}

export interface WantedModel {
  name: string;
  role: ModelCheck['role'];
}

const OWNERS: Record<string, ServerKind> = { vllm: 'vllm', sglang: 'sglang', llamacpp: 'llama.cpp', library: 'ollama', ollama: 'ollama', tgi: 'tgi' };

function fimOf(match: FamilyMatch | undefined): ModelCheck['fim'] {
  if (!match) return { capable: false, reason: 'not a known fill-in-the-middle family; completions will use plain prompts' };
  return { capable: match.fim, family: match.family, reason: match.reason };
}

async function quietly<T>(work: Promise<T>): Promise<T | undefined> {
  try {
    return await work;
  } catch {
    return undefined;
  }
}

interface ContextFinding {
  tokens?: number;
  source?: string;
  warning?: string;
}

/** Ollama reports the trained window but serves num_ctx, which silently truncates when unset. */
async function ollamaContext(engine: OpenAIHttpEngine, endpoint: Endpoint, model: string, signal: AbortSignal, timeoutMs: number): Promise<ContextFinding> {
  const shown = (await quietly(engine.getJson(endpoint, '/api/show', signal, timeoutMs, { model }))) as
    | { model_info?: Record<string, unknown>; parameters?: string }
    | undefined;
  const numCtx = /(?:^|\n)\s*num_ctx\s+(\d+)/.exec(shown?.parameters ?? '')?.[1];
  if (numCtx) return { tokens: Number(numCtx), source: 'ollama num_ctx' };
  const trained = Object.entries(shown?.model_info ?? {}).find(([key]) => key.endsWith('.context_length'))?.[1];
  return {
    tokens: undefined,
    source: typeof trained === 'number' ? `trained for ${trained}, but num_ctx is unset` : undefined,
    warning:
      `Ollama serves "${model}" without num_ctx, so prompts beyond its default window (2048 tokens on older versions) are cut silently. ` +
      'Start Ollama with OLLAMA_CONTEXT_LENGTH=16384 (or more), or create the model with "PARAMETER num_ctx 16384".',
  };
}

async function serverContext(
  engine: OpenAIHttpEngine,
  endpoint: Endpoint,
  server: ServerKind,
  model: string,
  listed: ServedModel | undefined,
  signal: AbortSignal,
  timeoutMs: number,
): Promise<ContextFinding> {
  if (server === 'ollama') return ollamaContext(engine, endpoint, model, signal, timeoutMs);
  if (server === 'llama.cpp') {
    // /props has the context the server was started with, which beats the model's trained size.
    const props = (await quietly(engine.getJson(endpoint, '/props', signal, timeoutMs))) as
      | { default_generation_settings?: { n_ctx?: number } }
      | undefined;
    const nCtx = props?.default_generation_settings?.n_ctx;
    if (typeof nCtx === 'number') return { tokens: nCtx, source: 'llama.cpp /props n_ctx' };
  }
  if (server === 'tgi' || (server === 'unknown' && !listed?.contextTokens)) {
    const info = (await quietly(engine.getJson(endpoint, '/info', signal, timeoutMs))) as { max_input_tokens?: number; max_total_tokens?: number } | undefined;
    const tokens = info?.max_total_tokens ?? info?.max_input_tokens;
    if (typeof tokens === 'number') return { tokens, source: 'TGI /info' };
  }
  if (listed?.contextTokens) return { tokens: listed.contextTokens, source: '/v1/models' };
  return {};
}

async function detectServer(engine: OpenAIHttpEngine, endpoint: Endpoint, models: ServedModel[], signal: AbortSignal, timeoutMs: number): Promise<ServerKind> {
  for (const model of models) {
    const kind = model.ownedBy ? OWNERS[model.ownedBy.toLowerCase()] : undefined;
    if (kind) return kind;
  }
  const version = (await quietly(engine.getJson(endpoint, '/api/version', signal, timeoutMs))) as { version?: unknown } | undefined;
  return typeof version?.version === 'string' ? 'ollama' : 'unknown';
}

export async function probeEndpoint(
  engine: OpenAIHttpEngine,
  endpoint: Endpoint,
  wanted: WantedModel[],
  signal: AbortSignal,
  timeoutMs: number,
): Promise<EndpointReport> {
  const report: EndpointReport = { url: endpoint.url, reachable: false, models: [], checks: [], problems: [], warnings: [] };
  const started = performance.now();
  try {
    report.models = await engine.listModels(endpoint, signal, timeoutMs);
  } catch (err) {
    report.error = err instanceof Error ? err.message : String(err);
    report.problems.push(report.error);
    return report;
  }
  report.reachable = true;
  report.latencyMs = Math.round(performance.now() - started);
  report.server = await detectServer(engine, endpoint, report.models, signal, timeoutMs);

  if (wanted.length === 0) {
    if (report.models.length === 1) wanted = [{ name: report.models[0]!.id, role: 'model' }];
    else report.problems.push(`No model is configured and ${endpoint.url} serves ${report.models.length === 0 ? 'none' : report.models.map((m) => m.id).join(', ')}. Choose one with --model or INLINE_MODEL.`);
  }
  for (const want of wanted) {
    const listed = report.models.find((m) => m.id === want.name);
    const check: ModelCheck = { name: want.name, role: want.role, served: listed !== undefined, fim: fimOf(detectModelFamily(want.name)) };
    if (!listed) {
      report.problems.push(`${endpoint.url} does not serve "${want.name}" (the ${want.role}). It serves: ${report.models.map((m) => m.id).join(', ') || 'nothing'}.`);
    } else {
      const context = await serverContext(engine, endpoint, report.server, want.name, listed, signal, timeoutMs);
      check.contextTokens = context.tokens;
      check.contextSource = context.source;
      if (context.warning) report.warnings.push(context.warning);
    }
    report.checks.push(check);
  }
  return report;
}
