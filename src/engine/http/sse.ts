/**
 * Incremental Server-Sent Events parser (WHATWG "event stream interpretation").
 * It takes decoded text in arbitrary pieces, so a line, a CRLF pair or a UTF-8 sequence
 * (handled by the caller's streaming TextDecoder) may be split across network chunks.
 */

export interface SseEvent {
  /** The `event:` field, or 'message' when absent. */
  event: string;
  /** All `data:` lines of the event joined with '\n'. */
  data: string;
  id?: string;
}

export class SseParser {
  private buffer = '';
  private data: string[] = [];
  private eventType = '';
  private lastId: string | undefined;
  private sawFirstChunk = false;
  /** A chunk ended in '\r': if the next one starts with '\n', that '\n' belongs to the same line break. */
  private pendingCarriageReturn = false;

  /** Feeds decoded text; returns the events completed by it. */
  feed(text: string): SseEvent[] {
    if (!this.sawFirstChunk && text.length > 0) {
      this.sawFirstChunk = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    if (this.pendingCarriageReturn && text.startsWith('\n')) text = text.slice(1);
    this.pendingCarriageReturn = false;

    const events: SseEvent[] = [];
    let source = this.buffer.length > 0 ? this.buffer + text : text;
    let start = 0;
    for (;;) {
      const lf = source.indexOf('\n', start);
      const cr = source.indexOf('\r', start);
      if (lf === -1 && cr === -1) break;
      let end: number;
      let next: number;
      if (cr !== -1 && (lf === -1 || cr < lf)) {
        end = cr;
        if (cr + 1 === source.length) {
          // Cannot tell yet whether a '\n' follows in the next chunk.
          this.pendingCarriageReturn = true;
          next = cr + 1;
        } else {
          next = source.charCodeAt(cr + 1) === 10 ? cr + 2 : cr + 1;
        }
      } else {
        end = lf;
        next = lf + 1;
      }
      this.processLine(source.slice(start, end), events);
      start = next;
    }
    this.buffer = start === 0 ? source : source.slice(start);
    source = '';
    return events;
  }

  /**
   * Ends the stream. The spec drops an event that lacks its closing blank line; servers that
   * end with `data: [DONE]\n` and no blank line are common enough that we deliver it instead.
   */
  end(): SseEvent[] {
    const events: SseEvent[] = [];
    if (this.buffer.length > 0) {
      this.processLine(this.buffer, events);
      this.buffer = '';
    }
    this.dispatch(events);
    return events;
  }

  private processLine(line: string, events: SseEvent[]): void {
    if (line.length === 0) {
      this.dispatch(events);
      return;
    }
    if (line.charCodeAt(0) === 58 /* ':' */) return;
    const colon = line.indexOf(':');
    let field: string;
    let value: string;
    if (colon === -1) {
      field = line;
      value = '';
    } else {
      field = line.slice(0, colon);
      value = line.charCodeAt(colon + 1) === 32 ? line.slice(colon + 2) : line.slice(colon + 1);
    }
    switch (field) {
      case 'data':
        this.data.push(value);
        break;
      case 'event':
        this.eventType = value;
        break;
      case 'id':
        if (!value.includes('\0')) this.lastId = value;
        break;
      default:
        // 'retry' and unknown fields carry nothing we use.
        break;
    }
  }

  private dispatch(events: SseEvent[]): void {
    if (this.data.length === 0) {
      this.eventType = '';
      return;
    }
    const event: SseEvent = { event: this.eventType || 'message', data: this.data.join('\n') };
    if (this.lastId !== undefined) event.id = this.lastId;
    events.push(event);
    this.data = [];
    this.eventType = '';
  }
}
