/**
 * The llama worker process, forked by the llama engine. It owns node-llama-cpp and the model so
 * that a native abort, a crash or an out-of-memory kill on a bad model file takes down only this
 * process. It loads the model when told to, then runs jobs one at a time on a single context
 * sequence (consecutive prompts share their evaluated prefix) and streams deltas back over IPC.
 * It exits when the parent goes away, however that happens, because the IPC channel closes.
 */
import type { Llama, LlamaContextSequence } from 'node-llama-cpp';
import type { Delta } from '../../types.js';
import type { Emit } from './generate.js';
import { defaultThreads } from './hardware.js';
import { isToWorker, type ChatJob, type CompletionJob, type FromWorker, type GpuChoice, type LoadOptions, type ToWorker } from './protocol.js';

type Runner<Job> = (sequence: LlamaContextSequence, job: Job, signal: AbortSignal, emit: Emit) => Promise<void>;

interface Loaded {
  sequence: LlamaContextSequence;
  runCompletion: Runner<CompletionJob>;
  runChat: Runner<ChatJob>;
}

if (!process.send) {
  process.stderr.write('The llama worker is started by the llama engine, not run directly.\n');
  process.exit(2);
}

const send = (message: FromWorker) => {
  process.send?.(message);
};
let loaded: Loaded | undefined;
/** llama.cpp's latest error lines: its exceptions say "Failed to load model", its log says why. */
const recentErrors: string[] = [];
/** Jobs run strictly in order: one context sequence, one generation at a time. */
let queue: Promise<void> = Promise.resolve();
const running = new Map<number, AbortController>();

process.on('disconnect', () => process.exit(0));
process.on('message', (message: unknown) => {
  if (!isToWorker(message)) return;
  if (message.type === 'cancel') {
    running.get(message.id)?.abort();
    return;
  }
  if (message.type === 'load') {
    queue = queue.then(() => load(message.options));
    return;
  }
  const controller = new AbortController();
  running.set(message.id, controller);
  queue = queue.then(() => runJob(message, controller));
});
send({ type: 'listening' });

async function load(options: LoadOptions): Promise<void> {
  let opened: Awaited<ReturnType<typeof openLlama>>;
  try {
    opened = await openLlama(await import('node-llama-cpp'), options.gpu);
  } catch (error) {
    send({ type: 'load-failed', stage: 'runtime', message: describe(error) });
    return;
  }
  try {
    const { llama, gpuFallback } = opened;
    // Weights are memory-mapped (node-llama-cpp's default where the backend supports it), so
    // the file's pages are shared with the page cache rather than copied into this process.
    const model = await llama.loadModel({ modelPath: options.modelPath });
    const threads = options.threads ?? defaultThreads(llama.cpuMathCores);
    const train = model.trainContextSize > 0 ? model.trainContextSize : options.maxContextTokens;
    const max = Math.max(64, Math.min(train, options.maxContextTokens));
    const context = await model.createContext({ contextSize: { min: Math.min(max, 256), max }, threads });
    const { runCompletion } = await import('./generate.js');
    const { runChat } = await import('./chat.js');
    loaded = { sequence: context.getSequence(), runCompletion, runChat };
    send({
      type: 'ready',
      model: {
        fim: model.tokens.infill.prefix != null && model.tokens.infill.suffix != null,
        contextTokens: context.contextSize,
        trainContextTokens: train,
        threads,
        gpu: llama.gpu,
        ...(gpuFallback ? { gpuFallback } : {}),
      },
    });
  } catch (error) {
    send({ type: 'load-failed', stage: 'model', message: describe(error) });
  }
}

/** The error's message, with llama.cpp's own explanation from its log when it adds one. */
function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const why = recentErrors.filter((line) => !message.includes(line));
  return why.length > 0 ? `${message} (llama.cpp: ${why.join('; ')})` : message;
}

/** The requested GPU backend, or the CPU when that backend cannot start (no driver, no device). */
async function openLlama(llamaCpp: typeof import('node-llama-cpp'), gpu: GpuChoice): Promise<{ llama: Llama; gpuFallback?: string }> {
  const common = {
    // Never compile llama.cpp from source in the middle of a completion request.
    build: 'never' as const,
    logLevel: llamaCpp.LlamaLogLevel.warn,
    logger: (level: string, message: string) => {
      const line = message.trim();
      if (line.length === 0) return;
      if (level === 'error' || level === 'fatal') {
        recentErrors.push(line);
        if (recentErrors.length > 3) recentErrors.shift();
      }
      // The parent keeps the tail of stderr to explain a crash.
      process.stderr.write(`[llama.cpp ${level}] ${line}\n`);
    },
  };
  try {
    return { llama: await llamaCpp.getLlama({ ...common, gpu }) };
  } catch (error) {
    if (gpu === false) throw error;
    const llama = await llamaCpp.getLlama({ ...common, gpu: false });
    return { llama, gpuFallback: `the ${gpu} GPU backend could not start (${(error as Error).message}); running on the CPU` };
  }
}

async function runJob(message: Extract<ToWorker, { type: 'complete' | 'chat' }>, controller: AbortController): Promise<void> {
  const { id } = message;
  try {
    if (controller.signal.aborted) return;
    if (!loaded) throw new Error('the model is not loaded');
    const emit = (delta: Delta) => {
      if (!controller.signal.aborted) send({ type: 'delta', id, delta });
    };
    if (message.type === 'complete') await loaded.runCompletion(loaded.sequence, message.job, controller.signal, emit);
    else await loaded.runChat(loaded.sequence, message.job, controller.signal, emit);
    send({ type: 'end', id });
  } catch (error) {
    // The parent has already settled a cancelled job; it ignores whatever is sent for it.
    send({ type: 'failed', id, message: (error as Error).message ?? String(error) });
  } finally {
    running.delete(id);
  }
}
