/**
 * The commander program. Each command's module is imported only when that command runs, so
 * parsing and help load commander and nothing else.
 */
import { Command, CommanderError, Option } from 'commander';
import type { CommandContext, GlobalOptions } from './command-context.js';
import { readVersion } from './version.js';

export type CommandRun = (context: CommandContext, args: string[], options: Record<string, unknown>) => Promise<number>;

interface CommandSpec {
  name: string;
  summary: string;
  arguments?: string;
  options?: Option[];
  help?: string;
  load: () => Promise<{ run: CommandRun }>;
}

/** Register only commands that work; each new feature adds a row. */
const COMMANDS: CommandSpec[] = [
  {
    name: 'doctor',
    summary: 'check the configuration, the model endpoints and the local model file',
    help: `
Exit status: 0 when everything checked is healthy, 1 when problems were found, 2 on a usage or config error.

Examples:
  $ inline doctor
  $ inline doctor --json --base-url http://127.0.0.1:8000/v1`,
    load: () => import('./doctor.js'),
  },
  {
    name: 'context',
    summary: 'show what a completion at a point in a file would send to the model, and why',
    arguments: '<location>',
    options: [
      new Option('--line <n>', 'cursor line, 1-based (default: from the location, else the end of the file)'),
      new Option('--column <n>', 'cursor column, 1-based (default: from the location, else the end of the line)'),
      new Option('--offset <n>', 'cursor as a 0-based character offset, instead of line and column'),
      new Option('--budget <tokens>', 'token budget for the prompt').default('2048'),
      new Option('--template <id>', 'FIM template instead of the one chosen from the model name'),
      new Option('--show-prompt', 'print the prompt itself after the summary'),
    ],
    help: `
<location> is a file, optionally with :line or :line:column (1-based), e.g. src/app.py:42:9.
The file is read from disk; its path must be inside the repository root.

Examples:
  $ inline context src/server.ts:120:17
  $ inline context lib/parser.py --line 88 --json
  $ inline context main.go:30 --template qwen-coder --show-prompt`,
    load: () => import('./context.js'),
  },
  {
    name: 'complete',
    summary: 'complete the code at a point in a file (the suggestion an editor would show)',
    options: [
      new Option('--file <path>', 'the document (inside the repository)'),
      new Option('--line <n>', 'cursor line, 1-based'),
      new Option('--col <n>', 'cursor column, 0-based (UTF-16 code units, as LSP counts)'),
      new Option('--n <count>', 'number of suggestions, best first (1-10)').default('1'),
      new Option('--stdin', 'read the document text from standard input (unsaved editor buffer); --file still names it'),
      new Option('--deadline <ms>', 'how long the configured engine may take to start answering before the local engine answers'),
    ],
    help: `
Runs the completion pipeline: context assembly, the engine, post-processing, the secret guard and
ranking. With no model configured the local engine answers from the repository's own code; with a
server (--base-url) or a GGUF file (--gguf) that fails or is too slow, the local engine stands in
and a note says so. Suggestions that contain a credential are never printed.

Output: the suggestion itself (nothing else on stdout, so scripts can insert it), or with --json the
items with their range (line 1-based, col 0-based), engine, cache use and latency per stage.
Exit status: 0 with a suggestion, 1 with none, 2 on a usage or config error.

Examples:
  $ inline complete --file src/app.py --line 12 --col 8
  $ inline complete --file src/app.ts --line 40 --col 0 --n 3 --json
  $ cat buffer.go | inline complete --file cmd/main.go --line 7 --col 4 --stdin`,
    load: () => import('./complete.js'),
  },
  {
    name: 'watch',
    summary: 'run the editor daemon: inline completions over LSP (stdio, a unix socket or TCP)',
    options: [
      new Option('--stdio', 'speak LSP on stdin/stdout (for an editor that starts inline as a language server)'),
      new Option('--socket <path>', 'listen on this unix socket instead of .inline/watch.sock'),
      new Option('--tcp', 'listen on 127.0.0.1 (a free port) and write a discovery file with the port and a token'),
    ],
    help: `
The daemon keeps the engines, the code index and the completion cache warm, answers
textDocument/inlineCompletion (LSP 3.18), and pushes inline/suggestion notifications after your
typing settles. It follows the repository on disk and re-indexes what changes, whoever saved it.
By default it listens on <root>/.inline/watch.sock (mode 0600; one daemon per repository).
With --tcp, clients must present the token from $XDG_RUNTIME_DIR/inline/<pid>.json in
initialize. Logs go to stderr. Editor set-up: docs/editors.md; the protocol: src/watch/protocol.ts.

Examples:
  $ inline watch                       # unix socket .inline/watch.sock
  $ inline watch --stdio               # as a language server (Neovim, Helix, VS Code)
  $ inline watch --tcp`,
    load: () => import('./watch.js'),
  },
  {
    name: 'index',
    summary: 'build or update the code index used by search and context (.inline/index)',
    options: [new Option('--rebuild', 'discard the stored index and build it again')],
    help: `
Only files whose content changed are re-read. Files ignored by git or .inlineignore, binaries,
files over 1 MiB, generated and minified files, lock files and secret files (.env, keys) are skipped.
The embedder is set by "index.embedder" (hashing, the default, needs no model; http; llama).

Examples:
  $ inline index
  $ inline index --rebuild --json`,
    load: () => import('./index-command.js'),
  },
  {
    name: 'search',
    summary: 'search the code: keywords and meaning combined (BM25 + embeddings)',
    arguments: '<query...>',
    options: [
      new Option('-k <n>', 'number of results').default('10'),
      new Option('--lang <language>', 'only this language (python, typescript, go, ...)'),
      new Option('--path <glob>', 'only paths matching this glob, e.g. "src/**" or "*.py"'),
    ],
    help: `
The index is brought up to date first. Exit status: 0 with results, 1 with none, 2 on a usage error.

Examples:
  $ inline search "parse http header"
  $ inline search retry backoff --lang typescript -k 5
  $ inline search "cart total" --path "shop/**" --json`,
    load: () => import('./search.js'),
  },
  {
    name: 'scan',
    summary: 'find secrets (API keys, tokens, private keys) in files, staged changes or git history',
    arguments: '[paths...]',
    options: [
      new Option('--staged', 'scan the lines the staged changes add (what the next commit would add)'),
      new Option('--diff', 'scan the lines unstaged edits add (working tree against the index)'),
      new Option('--git [rev-range]', 'scan the lines every commit added (default: all commits reachable from HEAD)'),
      new Option('--all', 'with --git: every branch, tag and other ref, not only HEAD'),
      new Option('--stdin', 'scan standard input'),
      new Option('--format <format>', 'report format (default: text, or json with --json)').choices(['text', 'json', 'sarif']),
      new Option('--baseline <file>', 'leave out findings whose fingerprints are in this file'),
      new Option('--write-baseline <file>', 'write the fingerprints of the current findings to this file and exit 0'),
    ],
    help: `
Without a mode, scans the working tree (or the given files and directories): files ignored by git
or .inlineignore are skipped, binaries and files over 1 MiB too, but .env files and keys are read.
Diff and history modes scan only added lines and report their line in the new file; --git also
reports the commit, author and date. A line with an "inline:allow" comment is never reported.

Exit status: 0 when no secrets are found, 1 when some are, 2 on a usage or I/O error.

Examples:
  $ inline scan                                   the whole working tree
  $ inline scan src config/.env                   some files and directories
  $ inline scan --staged                          what the next commit would add
  $ inline scan --git origin/main..HEAD           commits not yet pushed
  $ inline scan --git --all --format sarif > secrets.sarif
  $ inline scan --write-baseline .inline/secrets-baseline.json
  $ inline scan --baseline .inline/secrets-baseline.json
  $ git show HEAD:app.env | inline scan --stdin`,
    load: () => import('./scan.js'),
  },
  {
    name: 'hook',
    summary: 'install or remove a git pre-commit hook that blocks commits adding secrets',
    arguments: '<action>',
    options: [new Option('--force', 'with install: replace a pre-commit hook not written by inline (it is kept as a backup)')],
    help: `
<action> is one of:
  install     write the pre-commit hook (honours core.hooksPath)
  uninstall   remove it, if it is ours (a replaced hook is restored)
  run         the check the hook runs: inline scan --staged, with advice when it blocks

Examples:
  $ inline hook install
  $ inline hook install --force
  $ inline hook uninstall`,
    load: () => import('./hook.js'),
  },
  {
    name: 'stats',
    summary: 'show completion figures from the local telemetry: acceptance, latency per stage, cache hits',
    options: [
      new Option('--since <when>', 'period to count: 30m, 12h, 7d, 2w, an ISO date (2025-06-01) or "all"').default('7d'),
      new Option('--prometheus', 'print the Prometheus text exposition format instead of a table'),
    ],
    help: `
Reads .inline/telemetry/ (nothing leaves the machine). A suggestion counts as shown once it has
been visible for 750 ms, or when it is accepted; the acceptance rate is accepted / shown. Latency
is per pipeline stage, p50 and p95, over completions that were not skipped. With no events the
command says so and exits 0.

Examples:
  $ inline stats
  $ inline stats --since 30m
  $ inline stats --since 2025-06-01 --json
  $ inline stats --since all --prometheus > /var/lib/node_exporter/inline.prom`,
    load: () => import('./stats.js'),
  },
  {
    name: 'chat',
    summary: 'chat with the model about the code; it edits files as git commits (the TUI on a terminal)',
    options: [
      new Option('-m, --message <text>', 'send one message and exit (also: pipe the message on stdin); a /command works too'),
      new Option('-y, --yes', 'apply the model\'s edits without asking'),
      new Option('--resume [id]', 'continue a saved chat (.inline/chats/), the latest one without an id'),
    ],
    help: `
On a terminal, opens the chat. Otherwise runs one turn: prints the reply, applies its edits when
--yes is given (one git commit with an "Edited-by: inline" trailer; /undo reverts it), and asks
the model to fix blocks that did not match (at most 3 retries).
Exit status: 0 ok, 1 when an edit failed, 2 on a usage or config error (also: no chat model).

Examples:
  $ inline chat
  $ inline chat -m "rename total to subtotal in shop/cart.py" --yes --base-url http://127.0.0.1:8000/v1
  $ inline chat -m /undo
  $ echo "explain shop/cart.py" | inline chat --resume --json`,
    load: () => import('./chat.js'),
  },
  {
    name: 'fix',
    summary: 'run a command and have the model fix what makes it fail, until it passes',
    arguments: '[target]',
    options: [
      new Option('--cmd <command>', 'the shell command to make pass, e.g. "npm test"'),
      new Option('--max-iterations <n>', 'model turns at most').default('3'),
      new Option('-y, --yes', 'apply the model\'s edits without asking'),
      new Option('--timeout <seconds>', 'time limit for each run of the command').default('300'),
    ],
    help: `
Runs the command; while it fails, adds the files its output points at (compiler, linter, test
runner and traceback locations) and the output to a chat, applies the model's edits (one git
commit each) and runs the command again. [target] (path, path:START-END or path#symbol) says
where to look first. Without --yes, the diff is shown and nothing is applied.
Exit status: 0 when the command passes at the end, 1 when it still fails (or timed out, or an
edit could not be applied), 2 on a usage or config error (also: no chat model).

Examples:
  $ inline fix --cmd "npm test" --yes
  $ inline fix src/parse.ts#parseArgs --cmd "npx vitest run test/parse.test.ts" --yes --max-iterations 5
  $ inline fix --cmd "python3 -m unittest" --yes --timeout 60 --json`,
    load: () => import('./fix.js'),
  },
  {
    name: 'test',
    summary: 'write tests for a file or symbol where the project keeps them, and optionally run them',
    arguments: '<target>',
    options: [
      new Option('--framework <name>', 'vitest, jest, node-test, pytest, unittest, go, cargo or junit (default: detected)'),
      new Option('--run', 'run the new tests and have the model fix them until they pass'),
      new Option('--max-iterations <n>', 'model turns at most when fixing the tests').default('3'),
      new Option('--fix-source', 'let the model change the code under test too, not only the test file'),
      new Option('--timeout <seconds>', 'time limit for each run of the tests').default('300'),
    ],
    help: `
<target> is path, path:START-END or path#symbol. The framework comes from the project's files
(package.json, pyproject.toml/setup.cfg/pytest.ini/conftest.py, go.mod, Cargo.toml, pom.xml or
build.gradle), the test file's place from the tests already in the repository. The test file is
written as one git commit. The code under test is never edited unless --fix-source is given.
Exit status: 0 when the tests were written (and with --run pass), 1 otherwise, 2 on a usage or
config error (also: no chat model).

Examples:
  $ inline test src/cart.ts#total
  $ inline test shop/cart.py:10-42 --run --max-iterations 5
  $ inline test pkg/parse/parse.go#Parse --run --json`,
    load: () => import('./test-command.js'),
  },
  {
    name: 'explain',
    summary: 'explain a file, a line range or a symbol, with the code it uses and its callers',
    arguments: '<target>',
    help: `
<target> is a file, path:START-END (1-based, inclusive) or path#symbol (a name or Class.method).
The explanation streams as it arrives; --json prints {target, explanation, context} at the end.
Exit status: 0 ok, 1 when the model failed or sent nothing, 2 on a usage or config error
(also: an unknown symbol, which lists close matches, or no chat model).

Examples:
  $ inline explain src/cart.py#Cart.total --base-url http://127.0.0.1:8000/v1
  $ inline explain src/server.ts:40-90 --json`,
    load: () => import('./explain.js'),
  },
  {
    name: 'review',
    summary: 'review a diff for bugs, security problems (secrets included) and risky changes',
    arguments: '[rev-range]',
    options: [
      new Option('--staged', 'review the staged changes (the default; when nothing is staged the unstaged changes are reviewed)'),
      new Option('--fail-on <severity>', 'exit 1 when a comment is at least this severe: info, warning or error').default('error'),
    ],
    help: `
Prints one comment per line, path:line severity message, or with --json an array of
{file, line, severity, message, source} where source is "secrets" or "model". Secrets found in
added lines are always errors, shown masked, and are redacted from what the model sees.
Without a chat model only the secret scanner runs, and a note says so.
Exit status: 0 ok, 1 when a comment reaches --fail-on or the model failed, 2 on a usage or config error.

Examples:
  $ inline review --base-url http://127.0.0.1:8000/v1
  $ inline review main..HEAD --fail-on warning --json`,
    load: () => import('./review.js'),
  },
];

const EXAMPLES = `
Examples:
  $ inline doctor                                        check what inline would use, and why
  $ inline doctor --base-url http://127.0.0.1:8000/v1    check a vLLM or SGLang server
  $ INLINE_BASE_URL=http://127.0.0.1:11434 inline doctor  check an Ollama server

Configuration (highest first): flags, environment (INLINE_BASE_URL, INLINE_API_KEY or OPENAI_API_KEY,
INLINE_MODEL, INLINE_FIM_MODEL, INLINE_EMBED_MODEL, INLINE_GGUF), <root>/.inline/config.json,
$XDG_CONFIG_HOME/inline/config.json, defaults. With no model configured, inline uses its local engine.`;

function collect(value: string, previous: string[] = []): string[] {
  return previous.concat(value.split(',').map((v) => v.trim()).filter(Boolean));
}

export function buildProgram(onRun: (spec: CommandSpec, command: Command, args: string[]) => Promise<void>): Command {
  const program = new Command('inline')
    .description('A terminal-first AI coding assistant that works offline.')
    .version(readVersion(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .option('--root <dir>', 'repository root (default: the git top-level, else the current directory)')
    .option('--json', 'print machine-readable JSON')
    .option('--base-url <url>', 'OpenAI-compatible server, e.g. http://127.0.0.1:8000/v1 (repeat or comma-separate for several)', collect)
    .option('--model <name>', 'model for chat and completions')
    .option('--fim-model <name>', 'model for fill-in-the-middle completions (default: --model)')
    .option('--embed-model <name>', 'model for embeddings')
    .option('--api-key <key>', 'API key sent as a Bearer token')
    .option('--engine <name>', 'engine: local, openai-http or llama (default: chosen from the other settings)')
    .option('--gguf <path>', 'a local GGUF model file for the embedded engine')
    .option('--no-color', 'disable colour (NO_COLOR is honoured too)')
    .option('--verbose', 'print more detail, including stack traces on errors')
    .addHelpText('after', EXAMPLES)
    .showHelpAfterError('(run `inline --help` for usage)')
    .exitOverride();

  for (const spec of COMMANDS) {
    const command = program.command(spec.name).description(spec.summary).exitOverride();
    if (spec.arguments) command.arguments(spec.arguments);
    for (const option of spec.options ?? []) command.addOption(option);
    if (spec.help) command.addHelpText('after', spec.help);
    command.action(async (...received: unknown[]) => {
      const self = received[received.length - 1] as Command;
      await onRun(spec, self, self.args);
    });
  }
  return program;
}

/** Parses argv and runs the chosen command; returns the exit code. */
export async function runProgram(argv: string[]): Promise<number> {
  let exitCode = 0;
  const program = buildProgram(async (spec, command, args) => {
    const globals = command.optsWithGlobals() as GlobalOptions & Record<string, unknown>;
    const { createContext } = await import('./command-context.js');
    const context = createContext(globals);
    try {
      const { run } = await spec.load();
      exitCode = await run(context, args, command.opts());
    } catch (err) {
      exitCode = await reportError(err, context);
    }
  });
  try {
    if (argv.length <= 2 && process.stdin.isTTY && process.stdout.isTTY) {
      // Bare `inline` on a terminal is the chat, as in other assistants.
      argv = [...argv, 'chat'];
    } else if (argv.length <= 2) {
      program.outputHelp();
      return 0;
    }
    await program.parseAsync(argv);
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.exitCode === 0 || err.code === 'commander.helpDisplayed' || err.code === 'commander.version' ? 0 : 2;
    }
    throw err;
  }
}

async function reportError(err: unknown, context: CommandContext): Promise<number> {
  const { describeError } = await import('./errors.js');
  const { message, exitCode } = describeError(err, context.options.verbose === true);
  context.output.err(`${context.output.errStyle.red('inline:')} ${message}`);
  return exitCode;
}
