/**
 * `inline doctor`: what configuration is in force and where each value came from, and whether
 * the engine it selects can work: endpoints reachable with the right models, or a valid GGUF.
 */
import type { LoadedConfig } from '../../config/load.js';
import type { RepoRoot } from '../../config/root.js';
import { checkGguf, type GgufCheck } from './gguf.js';
import type { EndpointReport, WantedModel } from './probe.js';

export interface SettingReport {
  key: string;
  value: unknown;
  source: string;
}

export interface DoctorReport {
  ok: boolean;
  version: string;
  root: RepoRoot;
  engine: { name: string; source: string };
  settings: SettingReport[];
  configFiles: LoadedConfig['files'];
  endpoints: EndpointReport[];
  gguf?: GgufCheck;
  problems: string[];
  warnings: string[];
}

const SECRET_KEYS = new Set(['apiKey']);
const PROBE_TIMEOUT_CAP_MS = 5000;

function flatten(value: unknown, prefix: string, out: Record<string, unknown>): void {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, inner] of Object.entries(value)) flatten(inner, prefix ? `${prefix}.${key}` : key, out);
  } else if (value !== undefined) {
    out[prefix] = value;
  }
}

function settingsOf(loaded: LoadedConfig): SettingReport[] {
  const flat: Record<string, unknown> = {};
  flatten(loaded.config, '', flat);
  return Object.entries(flat).map(([key, value]) => ({
    key,
    value: SECRET_KEYS.has(key) ? `set (${String(value).length} characters, hidden)` : value,
    source: loaded.sources[key] ?? 'default',
  }));
}

function wantedModels(loaded: LoadedConfig): WantedModel[] {
  const { model, fimModel, embedModel } = loaded.config;
  const wanted: WantedModel[] = [];
  if (model) wanted.push({ name: model, role: 'model' });
  if (fimModel && fimModel !== model) wanted.push({ name: fimModel, role: 'fimModel' });
  if (embedModel && embedModel !== model && embedModel !== fimModel) wanted.push({ name: embedModel, role: 'embedModel' });
  return wanted;
}

async function probeAll(loaded: LoadedConfig, signal: AbortSignal): Promise<EndpointReport[]> {
  const [{ OpenAIHttpEngine }, { probeEndpoint }] = await Promise.all([import('../engines/openai-http.js'), import('./probe.js')]);
  // Probes must not wait out a 30 s completion deadline, nor retry: the user wants a verdict.
  const config = { ...loaded.config, retries: { ...loaded.config.retries, max: 0 } };
  const engine = OpenAIHttpEngine.fromConfig(config, 'inline-doctor');
  const timeoutMs = Math.min(config.timeouts.firstByteMs, PROBE_TIMEOUT_CAP_MS);
  try {
    const wanted = wantedModels(loaded);
    return await Promise.all(engine.pool.endpoints.map((endpoint) => probeEndpoint(engine, endpoint, wanted, signal, timeoutMs)));
  } finally {
    await engine.close();
  }
}

export async function runDoctor(loaded: LoadedConfig, root: RepoRoot, version: string, signal: AbortSignal): Promise<DoctorReport> {
  const { config } = loaded;
  const report: DoctorReport = {
    ok: true,
    version,
    root,
    engine: { name: config.engine, source: loaded.sources.engine ?? 'default' },
    settings: settingsOf(loaded),
    configFiles: loaded.files,
    endpoints: [],
    problems: [],
    warnings: [...loaded.warnings],
  };
  if (config.baseUrls.length > 0) {
    report.endpoints = await probeAll(loaded, signal);
    for (const endpoint of report.endpoints) {
      report.problems.push(...endpoint.problems);
      report.warnings.push(...endpoint.warnings);
    }
    if (config.engine === 'openai-http' && report.endpoints.every((e) => !e.reachable)) {
      report.problems.push('No endpoint is reachable: chat and model completions will fail until one is.');
    }
  }
  if (config.gguf) {
    report.gguf = await checkGguf(config.gguf);
    if (report.gguf.problem) report.problems.push(report.gguf.problem);
  }
  report.ok = report.problems.length === 0;
  return report;
}
