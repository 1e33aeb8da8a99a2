/**
 * `inline watch`: the editor daemon. One completion service for the repository, shared by every
 * editor connection, over stdio (an editor spawns it as a language server), a unix socket at
 * `.inline/watch.sock` (the default), or TCP on 127.0.0.1 with a discovery file and token.
 */
import { join } from 'node:path';
import type { CompletionService } from '../engine/complete/service.js';
import { ensureStateDir } from '../index/state-dir.js';
import type { CommandContext } from './command-context.js';
import { UsageError } from './usage-error.js';
import { readVersion } from './version.js';

interface WatchOptions {
  stdio?: boolean;
  socket?: string;
  tcp?: boolean;
}

export async function run(context: CommandContext, _args: string[], options: Record<string, unknown>): Promise<number> {
  const opts = options as WatchOptions;
  const modes = [opts.stdio, opts.socket !== undefined, opts.tcp].filter(Boolean).length;
  if (modes > 1) throw new UsageError('choose one of --stdio, --socket PATH and --tcp');
  const { root, git } = context.root();
  const config = context.config().config;
  // In stdio mode stdout is the protocol: everything else goes to stderr.
  const log = (message: string) => void process.stderr.write(`inline watch: ${message}\n`);

  const [{ openCompletionService }, { WatchServer }, { RepoWatcher }, transport, { AiCommentRunner }, { IdleMemoryTrimmer }] = await Promise.all([
    import('../engine/complete/service.js'),
    import('../watch/server.js'),
    import('../watch/repo-watcher.js'),
    import('../watch/transport.js'),
    import('../watch/ai-comment-runner.js'),
    import('../util/idle-memory.js'),
  ]);
  // The daemon lives for hours: memory a build or a burst of typing grew is given back once idle.
  const trimmer = new IdleMemoryTrimmer();
  const service: CompletionService = await openCompletionService({ root, git, config });
  const server = new WatchServer({ root, service, version: readVersion(), log, onActivity: () => trimmer.touch() });
  const aiComments = new AiCommentRunner({
    root,
    git,
    config,
    engine: service.engines.engine,
    notify: (answer) => server.broadcast('inline/answer', answer),
    log,
  });
  const watcher = new RepoWatcher(
    root,
    async (changes) => {
      // A chat turn takes seconds: re-indexing must not wait for it, nor a failed re-index stop it.
      void aiComments.filesChanged(changes);
      await service.filesChanged(changes);
      trimmer.touch();
      log(`updated after changes on disk: ${changes.map((c) => c.path).join(', ')}`);
    },
    log,
  );
  // Statistics are built once the watcher follows the tree: nothing written in between is missed.
  void watcher
    .ready()
    .then(() => {
      log('following changes on disk');
      const started = performance.now();
      return service.warmUp().then(() => {
        log(`warmed up in ${((performance.now() - started) / 1000).toFixed(1)} s`);
        trimmer.touch();
      });
    })
    .catch((error: unknown) => log(`warming up failed: ${(error as Error).message}`));

  let finish!: (code: number) => void;
  const finished = new Promise<number>((resolve) => (finish = resolve));
  const connection = { connection: { requireInitialize: true, log }, log };
  let listener: { close(): Promise<void> } | undefined;
  if (opts.stdio) {
    const rpc = transport.stdioConnection({ requireInitialize: true, log });
    server.attach(rpc, (afterShutdown) => finish(afterShutdown ? 0 : 1));
    rpc.onClose(() => finish(0));
    listener = {
      close: async () => {
        rpc.close();
        // stdin would keep the process alive after the editor said exit.
        process.stdin.destroy();
      },
    };
  } else if (opts.tcp) {
    const tcp = await transport.listenTcp(root, (rpc) => server.attach(rpc), connection);
    listener = tcp;
    log(`listening on 127.0.0.1:${tcp.port}; discovery file ${tcp.discoveryFile} (pid ${process.pid})`);
  } else {
    // Creates .inline/ and keeps it out of git's view before the socket goes in it.
    ensureStateDir(root);
    const socket = await transport.listenUnixSocket(opts.socket ?? join(root, '.inline', 'watch.sock'), (rpc) => server.attach(rpc), connection);
    listener = socket;
    log(`listening on ${socket.path} (pid ${process.pid})`);
  }
  const stop = () => finish(0);
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const code = await finished;
  process.off('SIGINT', stop);
  process.off('SIGTERM', stop);
  await listener?.close();
  await watcher.close();
  await aiComments.close();
  server.dispose();
  trimmer.dispose();
  await service.close();
  // Everything is closed; a handle some library left open must not keep a finished daemon alive.
  setTimeout(() => process.exit(code), 2000).unref();
  return code;
}
