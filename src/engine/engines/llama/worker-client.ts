/**
 * The parent's side of the llama worker: forks it on first use, loads the model, routes each
 * job's deltas to its stream, and turns the worker's death into typed errors. A worker that dies
 * while loading marks the model file unusable until the file changes; one that dies while
 * generating fails the jobs in flight and is started again by the next request.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BackendUnavailable, ModelFileUnusable } from '../../errors.js';
import type { Delta } from '../../types.js';
import { DeltaChannel } from './delta-channel.js';
import { explainExit, type ExitReason } from './exit-reason.js';
import { fileSignature, inspectModelFile } from './model-file.js';
import { isFromWorker, type ChatJob, type CompletionJob, type FromWorker, type LoadedModel, type LoadOptions } from './protocol.js';
import { abortable } from '../../../util/abortable.js';

const STDERR_TAIL_BYTES = 4096;
const KILL_GRACE_MS = 2000;

type Job = { type: 'complete'; job: CompletionJob } | { type: 'chat'; job: ChatJob };

interface Worker {
  child: ChildProcess;
  stderrTail: string;
  model?: LoadedModel;
  loading?: { resolve: (model: LoadedModel) => void; reject: (error: Error) => void };
  /** Streams of the jobs sent to this worker and not yet finished. */
  jobs: Map<number, DeltaChannel>;
  killOnExit: () => void;
}

export class LlamaWorkerClient {
  private worker: Worker | undefined;
  private starting: Promise<LoadedModel> | undefined;
  private nextId = 1;
  private loadFailure: { error: ModelFileUnusable; signature: string } | undefined;
  private closed = false;

  constructor(private readonly options: LoadOptions) {}

  /** The worker's process id while it runs (for diagnostics). */
  get pid(): number | undefined {
    return this.worker?.child.pid;
  }

  /** What the worker reported after loading, once it has. */
  get model(): LoadedModel | undefined {
    return this.worker?.model;
  }

  /** Starts the worker and loads the model if that has not happened yet. */
  async ready(signal?: AbortSignal): Promise<LoadedModel> {
    if (this.closed) throw this.closedError();
    if (this.loadFailure) {
      if ((await fileSignature(this.options.modelPath)) === this.loadFailure.signature) throw this.loadFailure.error;
      this.loadFailure = undefined;
    }
    this.starting ??= this.start().catch((error: unknown) => {
      this.starting = undefined;
      throw error;
    });
    return signal ? abortable(this.starting, signal) : this.starting;
  }

  async *run(job: Job, signal: AbortSignal): AsyncGenerator<Delta> {
    signal.throwIfAborted();
    await this.ready(signal);
    const worker = this.worker;
    if (!worker?.child.connected) throw this.goneError();
    const id = this.nextId++;
    const channel = new DeltaChannel();
    worker.jobs.set(id, channel);
    const onAbort = () => channel.fail(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    this.hold(worker);
    worker.child.send(job.type === 'complete' ? { type: 'complete', id, job: job.job } : { type: 'chat', id, job: job.job });
    try {
      for (let delta = await channel.next(); delta !== undefined; delta = await channel.next()) yield delta;
    } finally {
      signal.removeEventListener('abort', onAbort);
      // Still registered means the caller stopped early (abort, break, error): stop the worker too.
      if (worker.jobs.delete(id) && worker.child.connected) worker.child.send({ type: 'cancel', id });
      this.hold(worker);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.starting = undefined;
    const worker = this.worker;
    if (!worker) return;
    this.worker = undefined;
    for (const channel of worker.jobs.values()) channel.fail(this.closedError());
    worker.jobs.clear();
    worker.loading?.reject(this.closedError());
    worker.loading = undefined;
    await stopProcess(worker.child);
  }

  private async start(): Promise<LoadedModel> {
    const { modelPath } = this.options;
    // The file may have changed since the engine opened it; the worker must not see a bad one.
    await inspectModelFile(modelPath);
    const signature = await fileSignature(modelPath);
    if (this.closed) throw this.closedError();
    const workerFile = resolveWorkerFile();
    const child = fork(workerFile, [], {
      execArgv: workerFile.endsWith('.ts') ? ['--import', tsxLoader()] : [],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'json',
      // Paths are absolute; a crash's core file (where enabled) must not land in the user's repository.
      cwd: os.tmpdir(),
    });
    const worker: Worker = { child, stderrTail: '', jobs: new Map(), killOnExit: () => child.kill('SIGKILL') };
    this.worker = worker;
    process.once('exit', worker.killOnExit);
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      worker.stderrTail = (worker.stderrTail + chunk).slice(-STDERR_TAIL_BYTES);
    });
    child.on('message', (message: unknown) => {
      if (isFromWorker(message)) this.onMessage(worker, message);
    });
    // After a successful spawn, errors (a send racing the exit) are followed by 'exit', which explains.
    child.on('error', (error) => {
      if (child.pid === undefined) this.onGone(worker, { what: `could not be started (${error.message})`, crashed: false, memory: false });
    });
    child.on('exit', (code, signal) => this.onGone(worker, explainExit(code, signal)));
    const loaded = new Promise<LoadedModel>((resolve, reject) => {
      worker.loading = { resolve, reject };
    });
    try {
      return await loaded;
    } catch (error) {
      if (error instanceof ModelFileUnusable) this.loadFailure = { error, signature };
      throw error;
    }
  }

  private onMessage(worker: Worker, message: FromWorker): void {
    switch (message.type) {
      case 'listening':
        worker.child.send({ type: 'load', options: this.options });
        return;
      case 'ready':
        worker.model = message.model;
        worker.loading?.resolve(message.model);
        worker.loading = undefined;
        this.hold(worker);
        return;
      case 'load-failed':
        worker.loading?.reject(
          message.stage === 'runtime'
            ? new BackendUnavailable(
                `The llama engine could not start node-llama-cpp: ${message.message}. Reinstall inline so that its prebuilt llama.cpp binaries are present.`,
              )
            : new ModelFileUnusable(
                `Could not load the model ${this.options.modelPath}: ${message.message}. The file may be corrupt or made for a newer llama.cpp; ` +
                  'check it with "inline doctor" or download it again.',
                { modelPath: this.options.modelPath },
              ),
        );
        worker.loading = undefined;
        this.retire(worker);
        void stopProcess(worker.child);
        return;
      case 'delta':
        worker.jobs.get(message.id)?.push(message.delta);
        return;
      case 'end':
        worker.jobs.get(message.id)?.end();
        worker.jobs.delete(message.id);
        return;
      case 'failed': {
        const channel = worker.jobs.get(message.id);
        worker.jobs.delete(message.id);
        channel?.fail(
          new BackendUnavailable(`The llama engine failed while generating with ${this.options.modelPath}: ${message.message}`, {
            partial: channel.delivered,
          }),
        );
      }
    }
  }

  /** The worker exited or could not start: explain why to whoever was waiting on it. */
  private onGone(worker: Worker, reason: ExitReason): void {
    process.removeListener('exit', worker.killOnExit);
    this.retire(worker);
    if (!worker.loading && worker.jobs.size === 0) return;
    const { modelPath } = this.options;
    const { what } = reason;
    const output = lastLines(worker.stderrTail);
    const said = output ? ` Its last output: ${output}` : '';
    const memory = reason.memory ? ' The system may have run out of memory: try a smaller model or a smaller context (contextTokens).' : '';
    if (worker.loading) {
      // Only a crash marks the file unusable: a kill from outside may spare the next attempt.
      worker.loading.reject(
        !reason.crashed
          ? new BackendUnavailable(`The llama worker ${what} while loading ${modelPath}.${memory}${said}`)
          : new ModelFileUnusable(
              `The llama worker ${what} while loading ${modelPath}. The file may be corrupt or unsupported by this llama.cpp build: ` +
                `check it with "inline doctor" or download it again.${said}`,
              { modelPath },
            ),
      );
      worker.loading = undefined;
      return;
    }
    for (const [id, channel] of worker.jobs) {
      worker.jobs.delete(id);
      channel.fail(
        new BackendUnavailable(`The llama worker for ${modelPath} ${what} while generating.${memory} It restarts on the next request.${said}`, {
          partial: channel.delivered,
        }),
      );
    }
  }

  /** Forgets `worker` if it is the current one, so the next request starts afresh. */
  private retire(worker: Worker): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    this.starting = undefined;
  }

  /** An idle worker must not keep inline running; a busy one must. */
  private hold(worker: Worker): void {
    const busy = worker.loading !== undefined || worker.jobs.size > 0;
    const handles = [worker.child, worker.child.channel, worker.child.stderr as unknown as { ref?(): void; unref?(): void } | null];
    for (const handle of handles) {
      if (busy) handle?.ref?.();
      else handle?.unref?.();
    }
  }

  private goneError(): BackendUnavailable {
    return new BackendUnavailable(`The llama worker for ${this.options.modelPath} stopped before the request could be sent. Try again.`);
  }

  private closedError(): BackendUnavailable {
    return new BackendUnavailable(`The llama engine for ${this.options.modelPath} is closed.`);
  }
}

/** dist/ runs the compiled worker; tests run the TypeScript source through tsx. */
function resolveWorkerFile(): string {
  for (const name of ['./worker.js', './worker.ts']) {
    const file = fileURLToPath(new URL(name, import.meta.url));
    if (existsSync(file)) return file;
  }
  throw new BackendUnavailable(`The llama worker module is missing next to ${fileURLToPath(import.meta.url)}; reinstall inline.`);
}

function tsxLoader(): string {
  return pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
}

function lastLines(text: string): string {
  const lines = text.split('\n').map((line) => line.trim()).filter((line) => line.length > 0);
  return lines.slice(-3).join(' | ');
}

/** SIGTERM, then SIGKILL if the worker has not exited after a grace period. */
function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    // Whoever awaits the stop must not see the process exit under them: an idle worker is unref'd.
    child.ref();
    const timer = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
