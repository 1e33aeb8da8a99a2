/** `inline doctor`: renders the engine's health report as text or JSON. */
import { runDoctor, type DoctorReport } from '../engine/doctor/report.js';
import type { EndpointReport } from '../engine/doctor/probe.js';
import type { CommandContext } from './command-context.js';
import type { Style } from './style.js';
import { readVersion } from './version.js';

export async function run(context: CommandContext): Promise<number> {
  const loaded = context.config();
  const report = await runDoctor(loaded, context.root(), readVersion(), AbortSignal.timeout(60_000));
  if (context.options.json) context.output.json(report);
  else context.output.out(renderText(report, context.output.style, context.options.verbose === true));
  return report.ok ? 0 : 1;
}

function formatValue(value: unknown): string {
  return Array.isArray(value) ? value.join(', ') || '(none)' : String(value);
}

function renderEndpoint(e: EndpointReport, s: Style): string[] {
  if (!e.reachable) return [`  ${s.red('✗')} ${e.url}`, `      ${e.error ?? 'unreachable'}`];
  const lines = [`  ${s.green('✓')} ${e.url}  ${s.dim(`${e.server ?? 'unknown'} server, answered in ${e.latencyMs} ms`)}`];
  lines.push(`      models: ${e.models.map((m) => m.id).join(', ') || '(none)'}`);
  for (const check of e.checks) {
    const served = check.served ? s.green('served') : s.red('not served');
    const fim = check.fim.capable ? `FIM-capable (${check.fim.family})` : `no FIM: ${check.fim.reason}`;
    const context = check.contextTokens ? `context ${check.contextTokens} tokens (${check.contextSource})` : `context ${check.contextSource ?? 'unknown'}`;
    lines.push(`      ${check.role} ${s.bold(check.name)}: ${served}; ${fim}; ${context}`);
  }
  return lines;
}

export function renderText(report: DoctorReport, s: Style, verbose: boolean): string {
  const lines: string[] = [];
  lines.push(`${s.bold('inline')} ${report.version}`);
  lines.push(`  root      ${report.root.root}${report.root.git ? '' : s.dim(' (not a git repository)')}`);
  lines.push(`  engine    ${s.bold(report.engine.name)}  ${s.dim(`(${report.engine.source})`)}`);
  const shown = report.settings.filter((setting) => verbose || setting.source !== 'default');
  if (shown.length > 0) {
    lines.push('', s.bold('settings'));
    const width = Math.max(...shown.map((setting) => setting.key.length));
    for (const setting of shown) lines.push(`  ${setting.key.padEnd(width)}  ${formatValue(setting.value)}  ${s.dim(`(${setting.source})`)}`);
  }
  lines.push('', s.bold('config files'));
  for (const file of report.configFiles) lines.push(`  ${file.kind.padEnd(7)}  ${file.path}${file.exists ? '' : s.dim(' (not present)')}`);
  if (report.endpoints.length > 0) {
    lines.push('', s.bold('endpoints'));
    for (const endpoint of report.endpoints) lines.push(...renderEndpoint(endpoint, s));
  } else if (report.engine.name === 'local') {
    lines.push('', 'No model server is configured.');
    lines.push(s.dim('For chat and model completions, point --base-url at an OpenAI-compatible server (see README).'));
  }
  if (report.gguf) {
    const g = report.gguf;
    lines.push('', s.bold('gguf'), `  ${g.ok ? s.green('✓') : s.red('✗')} ${g.path}${g.sizeBytes ? s.dim(` (${(g.sizeBytes / 1048576).toFixed(1)} MiB, GGUF v${g.version})`) : ''}`);
  }
  for (const warning of report.warnings) lines.push('', `${s.yellow('warning:')} ${warning}`);
  if (report.problems.length > 0) {
    lines.push('', s.red(s.bold(`${report.problems.length} problem${report.problems.length === 1 ? '' : 's'} found:`)));
    for (const problem of report.problems) lines.push(`  - ${problem}`);
  } else {
    lines.push('', s.green('No problems found.'));
  }
  return lines.join('\n');
}
