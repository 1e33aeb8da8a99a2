/**
 * What the user did with suggestions, for the local telemetry (DESIGN §11). A suggestion counts as
 * shown only once it has been visible for 750 ms: flashes while typing are not impressions. An
 * acceptance before that still counts it as shown, since the user evidently saw it.
 */
import type { TelemetryLog } from '../telemetry/events.js';

export const SHOWN_AFTER_MS = 750;
/** Suggestions remembered for feedback; older ids are forgotten first. */
const REMEMBERED = 2000;

interface Served {
  language?: string;
  engine: string;
  shown: boolean;
  timer?: NodeJS.Timeout;
}

export class FeedbackTracker {
  private readonly served = new Map<string, Served>();

  constructor(private readonly telemetry: TelemetryLog | undefined) {}

  /** Registers a result the client may now show. */
  register(id: string, facts: { language?: string; engine: string }): void {
    this.served.set(id, { ...facts, shown: false });
    if (this.served.size > REMEMBERED) this.forget(this.served.keys().next().value!);
  }

  didShow(id: string): void {
    const entry = this.served.get(id);
    if (!entry || entry.shown || entry.timer) return;
    entry.timer = setTimeout(() => this.markShown(id), SHOWN_AFTER_MS);
    entry.timer.unref();
  }

  didAccept(id: string, index: number | undefined): void {
    const entry = this.served.get(id);
    if (!entry) return;
    this.markShown(id);
    this.record('completion.accepted', id, entry, index === undefined ? {} : { index });
    this.forget(id);
  }

  didPartiallyAccept(id: string, acceptedLength: number | undefined): void {
    const entry = this.served.get(id);
    if (!entry) return;
    this.markShown(id);
    this.record('completion.partiallyAccepted', id, entry, { acceptedChars: acceptedLength ?? 0 });
  }

  didReject(id: string): void {
    const entry = this.served.get(id);
    if (!entry) return;
    clearTimeout(entry.timer);
    entry.timer = undefined;
    this.record('completion.rejected', id, entry, { shown: entry.shown });
    this.forget(id);
  }

  dispose(): void {
    for (const entry of this.served.values()) clearTimeout(entry.timer);
    this.served.clear();
  }

  private markShown(id: string): void {
    const entry = this.served.get(id);
    if (!entry || entry.shown) return;
    clearTimeout(entry.timer);
    entry.timer = undefined;
    entry.shown = true;
    this.record('completion.shown', id, entry, {});
  }

  private record(type: string, id: string, entry: Served, extra: Record<string, unknown>): void {
    this.telemetry?.record(type, { id, language: entry.language, engine: entry.engine, ...extra });
  }

  private forget(id: string): void {
    clearTimeout(this.served.get(id)?.timer);
    this.served.delete(id);
  }
}
