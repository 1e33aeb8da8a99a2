/** The program skeleton through the real binary: version, help, usage and config errors, colour. */
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempRepo, runCli, type TempRepo } from '../support/cli.js';

let repo: TempRepo;
beforeEach(async () => {
  repo = await makeTempRepo();
});
afterEach(() => repo.cleanup());

const run = (args: string[], env: Record<string, string> = {}) => runCli(args, { cwd: repo.root, env: { ...repo.env, ...env } });
const ESC = '\u001b[';

describe('inline (program)', () => {
  it('prints the package version', async () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    const result = await run(['--version']);
    expect(result).toMatchObject({ exitCode: 0, stdout: pkg.version });
  });

  it('shows help with the global options and examples', async () => {
    for (const args of [['--help'], []]) {
      const result = await run(args);
      expect(result.exitCode).toBe(0);
      for (const text of ['--root <dir>', '--json', '--base-url <url>', '--model <name>', '--api-key <key>', '--verbose', 'doctor', 'Examples:']) {
        expect(result.stdout).toContain(text);
      }
    }
    const doctorHelp = await run(['doctor', '--help']);
    expect(doctorHelp.stdout).toMatch(/Exit status: 0 .* 1 .* 2/);
  });

  it('exits 2 on an unknown command or option', async () => {
    const command = await run(['frobnicate']);
    expect(command.exitCode).toBe(2);
    expect(command.stderr).toMatch(/unknown command 'frobnicate'/);
    const option = await run(['doctor', '--frob']);
    expect(option.exitCode).toBe(2);
    expect(option.stderr).toMatch(/unknown option '--frob'/);
  });

  it('exits 2 naming the file, line and column of invalid config JSON', async () => {
    repo.write('.inline/config.json', '{\n  "model": "x",\n  "timeouts": { "stallMs": 10, }\n}\n');
    const result = await run(['doctor']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(`${repo.root}/.inline/config.json`);
    expect(result.stderr).toMatch(/config\.json:3:\d+: invalid JSON/);
  });

  it('exits 2 naming the key and what was expected for a wrong type or unknown engine', async () => {
    repo.write('.inline/config.json', JSON.stringify({ timeouts: { stallMs: 'fast' } }));
    const wrongType = await run(['doctor']);
    expect(wrongType.exitCode).toBe(2);
    expect(wrongType.stderr).toMatch(/config\.json: "timeouts\.stallMs" must be a positive integer.*got "fast"/);

    repo.write('.inline/config.json', JSON.stringify({ engine: 'gpu' }));
    const engine = await run(['doctor']);
    expect(engine.exitCode).toBe(2);
    expect(engine.stderr).toMatch(/"engine" must be one of local, openai-http, llama, got "gpu"/);
  });

  it('exits 2 on a bad base URL from the environment, naming the variable', async () => {
    const result = await run(['doctor'], { INLINE_BASE_URL: 'localhost:8000' });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('INLINE_BASE_URL');
  });

  it('exits 2 when --root does not exist', async () => {
    const result = await run(['doctor', '--root', `${repo.root}/nowhere`]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('--root');
  });

  it('warns about unknown config keys but keeps going', async () => {
    repo.write('.inline/config.json', JSON.stringify({ modle: 'x' }));
    const result = await run(['doctor']);
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toMatch(/unknown setting "modle".*did you mean "model"/);
  });

  it('uses colour only on request or on a terminal, and never with NO_COLOR', async () => {
    const plain = await run(['doctor']);
    expect(plain.stdout).not.toContain(ESC);
    const forced = await run(['doctor'], { NO_COLOR: '', FORCE_COLOR: '1' });
    expect(forced.stdout).toContain(ESC);
    const flag = await run(['doctor', '--no-color'], { NO_COLOR: '', FORCE_COLOR: '1' });
    expect(flag.stdout).not.toContain(ESC);
  });
});
