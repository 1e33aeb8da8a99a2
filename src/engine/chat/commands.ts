/**
 * The chat's slash commands, as plain functions that return text. None of them needs a
 * chat-capable engine, so /search, /context, /diff and /undo work before a model is configured.
 */
import { execa } from 'execa';
import { runShellCommand } from '../agents/run-command.js';
import { undoLastEdit, EditError, resolveEditPath } from '../edits/index.js';
import { describeContext } from './chat-context.js';
import type { ChatWorkspace } from './workspace.js';

export interface CommandResult {
  text: string;
  ok: boolean;
}

type Handler = (workspace: ChatWorkspace, args: string) => Promise<CommandResult>;

const RUN_TIMEOUT_MS = 120_000;
/** Command output offered to the model is cut in the middle (see truncateOutput). */
const RUN_OUTPUT_CHARS = 8_000;
const SEARCH_RESULTS = 8;

const ok = (text: string): CommandResult => ({ text, ok: true });
const fail = (text: string): CommandResult => ({ text, ok: false });

function splitArgs(args: string): string[] {
  const out: string[] = [];
  for (const match of args.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)) out.push(match[1] ?? match[2] ?? match[3]!);
  return out;
}

async function add(workspace: ChatWorkspace, args: string): Promise<CommandResult> {
  const wanted = splitArgs(args);
  if (wanted.length === 0) return fail('Usage: /add <path>... (files or directories, relative to the repository root)');
  const repo = await workspace.repo();
  const lines: string[] = [];
  let failed = false;
  for (const raw of wanted) {
    const prefix = raw.replace(/\/+$/, '');
    const under = [...repo.files].filter((file) => file.startsWith(`${prefix}/`)).sort();
    const resolved = under.length > 0 ? undefined : resolveEditPath(workspace.root, raw);
    if (resolved && !resolved.ok) {
      lines.push(`Cannot add ${raw}: ${resolved.reason}.`);
      failed = true;
      continue;
    }
    const paths = resolved ? [resolved.path] : under;
    if (resolved && !resolved.exists) {
      lines.push(`Cannot add ${raw}: there is no such file (ask the model to create it instead).`);
      failed = true;
      continue;
    }
    for (const path of paths) lines.push(workspace.session.addFile(path) ? `Added ${path}.` : `${path} is already in the chat.`);
  }
  workspace.session.save();
  return { text: lines.join('\n'), ok: !failed };
}

async function drop(workspace: ChatWorkspace, args: string): Promise<CommandResult> {
  const wanted = splitArgs(args);
  const session = workspace.session;
  if (wanted.length === 0) {
    const all = session.files;
    for (const path of all) session.dropFile(path);
    session.save();
    return ok(all.length === 0 ? 'No files were in the chat.' : `Dropped ${all.join(', ')}.`);
  }
  const lines = wanted.map((raw) => {
    const prefix = raw.replace(/\/+$/, '').replace(/^\.\//, '');
    const matching = session.files.filter((file) => file === prefix || file.startsWith(`${prefix}/`));
    for (const path of matching) session.dropFile(path);
    return matching.length > 0 ? `Dropped ${matching.join(', ')}.` : `${raw} is not in the chat.`;
  });
  session.save();
  return ok(lines.join('\n'));
}

async function context(workspace: ChatWorkspace): Promise<CommandResult> {
  const built = await workspace.contextFor('');
  const window = workspace.windowTokens;
  const header = window === 0 ? 'No chat model is configured; budgeted as if the window were 8192 tokens.\n' : '';
  return ok(header + describeContext(built, window || 8192));
}

async function search(workspace: ChatWorkspace, args: string): Promise<CommandResult> {
  const query = args.trim();
  if (query === '') return fail('Usage: /search <query>');
  const index = await workspace.codeIndex();
  if (!index) return fail('This repository has no code index yet; run `inline index` first.');
  const hits = await index.search(query, { k: SEARCH_RESULTS });
  if (hits.length === 0) return ok('No matches.');
  return ok(
    hits
      .map((hit) => {
        const { chunk } = hit;
        const head = `${chunk.path}:${chunk.startLine}-${chunk.endLine}${chunk.symbol ? `  ${chunk.symbol}` : ''}`;
        const body = (chunk.text ?? '').split('\n').slice(0, 3).map((line) => `    ${line}`).join('\n');
        return `${head}\n${body}`;
      })
      .join('\n'),
  );
}

async function git(workspace: ChatWorkspace, args: string[]): Promise<{ stdout: string; stderr: string; exitCode: number }> {
  const result = await execa('git', args, { cwd: workspace.root, reject: false });
  return { stdout: String(result.stdout), stderr: String(result.stderr), exitCode: result.exitCode ?? 1 };
}

async function diff(workspace: ChatWorkspace): Promise<CommandResult> {
  if (!workspace.git) return fail('/diff needs git; this directory is not a git repository.');
  const working = await git(workspace, ['diff', 'HEAD']);
  if (working.exitCode === 0 && working.stdout.trim() !== '') return ok(working.stdout);
  const last = workspace.session.lastEdit?.commit ?? 'HEAD';
  const shown = await git(workspace, ['show', '--format=commit %H%n%s%n', last]);
  if (shown.exitCode !== 0) return ok('No changes in the working tree, and no commit to show.');
  return ok(`No uncommitted changes. The ${last === 'HEAD' ? 'last commit' : 'last AI edit'}:\n${shown.stdout}`);
}

async function undo(workspace: ChatWorkspace): Promise<CommandResult> {
  try {
    const expected = workspace.session.lastEdit?.commit;
    const undone = await undoLastEdit(workspace.root, expected ? { expectedHead: expected } : {});
    workspace.session.lastEdit = undefined;
    workspace.session.save();
    workspace.refreshFiles();
    return ok(`Undid ${undone.commit.slice(0, 10)} "${undone.subject}"; restored ${undone.files.join(', ')}.`);
  } catch (error) {
    if (error instanceof EditError) return fail(error.message);
    throw error;
  }
}

async function commit(workspace: ChatWorkspace, args: string): Promise<CommandResult> {
  if (!workspace.git) return fail('/commit needs git; this directory is not a git repository.');
  const status = await git(workspace, ['status', '--porcelain']);
  if (status.stdout.trim() === '') return ok('Nothing to commit; the working tree is clean.');
  const message = args.trim() || 'inline: commit work in progress';
  const staged = await git(workspace, ['add', '-A']);
  if (staged.exitCode !== 0) return fail(`git add failed: ${staged.stderr.trim()}`);
  const done = await git(workspace, ['commit', '-q', '-m', message]);
  if (done.exitCode !== 0) return fail(`git commit failed: ${(done.stderr || done.stdout).trim()}`);
  const head = await git(workspace, ['rev-parse', '--short=10', 'HEAD']);
  return ok(`Committed ${head.stdout.trim()} "${message}".`);
}

async function run(workspace: ChatWorkspace, args: string): Promise<CommandResult> {
  const command = args.trim();
  if (command === '') return fail('Usage: /run <shell command>');
  const result = await runShellCommand(command, { cwd: workspace.root, timeoutMs: RUN_TIMEOUT_MS, maxOutputChars: RUN_OUTPUT_CHARS });
  const { output } = result;
  const status = result.timedOut ? `timed out after ${RUN_TIMEOUT_MS / 1000} s` : `exit code ${result.exitCode}`;
  workspace.session.pendingContext = `$ ${command}\n${output}\n(${status})`;
  workspace.session.save();
  workspace.refreshFiles();
  return { text: `${output}\n(${status}) The output will be sent with your next message.`, ok: result.passed };
}

async function model(workspace: ChatWorkspace, args: string): Promise<CommandResult> {
  const name = args.trim();
  if (name === '') return ok(`Model: ${workspace.modelName} (engine ${workspace.engineName}).`);
  await workspace.setModel(name);
  workspace.session.save();
  return ok(`Model set to ${name} (engine ${workspace.engineName}).`);
}

async function clear(workspace: ChatWorkspace): Promise<CommandResult> {
  workspace.session.clearMessages();
  workspace.session.save();
  return ok('Cleared the conversation; the files stay in the chat.');
}

async function tokens(workspace: ChatWorkspace): Promise<CommandResult> {
  const built = await workspace.contextFor('');
  const byKind = new Map<string, number>();
  for (const item of built.items) if (item.included) byKind.set(item.kind, (byKind.get(item.kind) ?? 0) + item.tokens);
  const lines = [...byKind].map(([kind, count]) => `  ${kind.padEnd(14)} ${String(count).padStart(7)}`);
  const window = workspace.windowTokens;
  const { promptTokens, completionTokens } = workspace.session.usage;
  return ok(
    [
      `Next request: about ${built.tokens} tokens${window ? ` of a ${window}-token window` : ''} (estimated).`,
      ...lines,
      `This chat so far: ${promptTokens} prompt and ${completionTokens} reply tokens (as the server reported).`,
    ].join('\n'),
  );
}

const HELP: Array<[string, string]> = [
  ['/add <paths>', 'add files (or directories) to the chat; their full text is sent'],
  ['/drop [paths]', 'remove files from the chat (all without arguments)'],
  ['/context', 'what the next message would send, why, and its tokens'],
  ['/search <query>', 'search the code index'],
  ['/diff', 'uncommitted changes, or the last AI edit'],
  ['/undo', 'revert the last AI edit commit if it is still HEAD'],
  ['/commit [message]', 'commit all uncommitted changes'],
  ['/run <command>', 'run a shell command; its output goes with your next message'],
  ['/model [name]', 'show or change the chat model'],
  ['/clear', 'forget the conversation (files stay)'],
  ['/tokens', 'token use of the next request and of the chat so far'],
  ['/help', 'this list'],
];

async function help(): Promise<CommandResult> {
  return ok(['Commands:', ...HELP.map(([name, text]) => `  ${name.padEnd(20)} ${text}`), 'Anything else is sent to the model.'].join('\n'));
}

const HANDLERS: Record<string, Handler> = {
  add,
  drop,
  context: (w) => context(w),
  search,
  diff: (w) => diff(w),
  undo: (w) => undo(w),
  commit,
  run,
  model,
  clear: (w) => clear(w),
  tokens: (w) => tokens(w),
  help: () => help(),
};

export const COMMAND_NAMES = Object.keys(HANDLERS).map((name) => `/${name}`);

export function isCommand(text: string): boolean {
  return /^\/[a-z]/i.test(text.trim());
}

/** Runs a slash command line such as `/add src/app.ts`. */
export async function runCommand(workspace: ChatWorkspace, line: string): Promise<CommandResult> {
  const trimmed = line.trim();
  const space = trimmed.search(/\s/);
  const name = (space === -1 ? trimmed : trimmed.slice(0, space)).slice(1).toLowerCase();
  const args = space === -1 ? '' : trimmed.slice(space + 1);
  const handler = HANDLERS[name];
  if (!handler) {
    const near = COMMAND_NAMES.filter((c) => c.startsWith(`/${name.slice(0, 2)}`));
    return fail(`Unknown command /${name}.${near.length > 0 ? ` Did you mean ${near.join(' or ')}?` : ''} Type /help for the list.`);
  }
  return handler(workspace, args);
}

/**
 * Completions for the last word of `partial`: command names after a leading `/`, and for
 * /add and /drop, repository paths (directories end with `/`).
 */
export function completeCommand(partial: string, files: Iterable<string>, inChat: string[]): string[] {
  const words = partial.split(/\s+/);
  const last = words[words.length - 1] ?? '';
  if (words.length === 1) return last.startsWith('/') ? COMMAND_NAMES.filter((name) => name.startsWith(last.toLowerCase())) : [];
  const command = words[0]!.toLowerCase();
  if (command === '/drop') return inChat.filter((path) => path.startsWith(last));
  if (command !== '/add') return [];
  return completePath(files, last, new Set(inChat));
}

/** Files and directories one level below what `partial` has typed so far. */
export function completePath(files: Iterable<string>, partial: string, exclude: Set<string> = new Set()): string[] {
  const out = new Set<string>();
  for (const file of files) {
    if (!file.startsWith(partial) || exclude.has(file)) continue;
    const slash = file.indexOf('/', partial.length);
    out.add(slash === -1 ? file : file.slice(0, slash + 1));
  }
  return [...out].sort().slice(0, 50);
}
