/**
 * The first-text deadline for a configured engine: a server that has not started answering
 * within it is abandoned (its request aborted) so the local engine can answer in time.
 * Once text flows, the stream's own stall timeout governs.
 */
export class DeadlineMissed extends Error {
  constructor(readonly deadlineMs: number) {
    super(`no answer within ${deadlineMs} ms`);
    this.name = 'DeadlineMissed';
  }
}

export async function firstTextWithin<T>(
  deadlineMs: number,
  signal: AbortSignal,
  attempt: (signal: AbortSignal, onFirstText: () => void) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  const forward = () => controller.abort(signal.reason);
  signal.addEventListener('abort', forward, { once: true });
  const missed = new DeadlineMissed(deadlineMs);
  const timer = setTimeout(() => controller.abort(missed), deadlineMs);
  try {
    return await attempt(controller.signal, () => clearTimeout(timer));
  } catch (error) {
    if (controller.signal.reason === missed) throw missed;
    throw error;
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', forward);
  }
}
