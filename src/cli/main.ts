/**
 * Entry point. `inline --version` is answered before commander loads (it costs ~20 ms of a
 * ~100 ms start); everything else goes through the full program.
 */
import { readVersion } from './version.js';

/** Runs the CLI and returns the exit code: 0 ok, 1 problems found, 2 usage, config or I/O error. */
export async function main(argv: string[]): Promise<number> {
  const args = argv.slice(2);
  if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
    process.stdout.write(`${readVersion()}\n`);
    return 0;
  }
  const { runProgram } = await import('./program.js');
  return runProgram(argv);
}
