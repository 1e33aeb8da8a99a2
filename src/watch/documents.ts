/**
 * The documents an editor has open, kept identical to the editor's buffers through LSP text
 * synchronisation (DESIGN §9): full and incremental changes, positions in UTF-16 code units.
 *
 * The server's copy must stay byte-for-byte what the client holds, so positions are applied
 * literally, even one that falls between the two halves of a surrogate pair: snapping it would
 * make every later incremental change land in the wrong place. Only out-of-range positions are
 * clamped, as LSP clients expect.
 *
 * Each document keeps its line start offsets and its text in pieces, both patched around an
 * edit (line-index.ts), so a keystroke never rescans or copies the whole document; the text is
 * joined into one string only when it is read.
 *
 * Memory is bounded: documents over 8 MiB, more than 1,000 documents or more than 256 MiB in
 * all are refused with an error. Open documents are never dropped to make room, since the
 * client believes they are open. A change that cannot be applied leaves the document "out of
 * sync": its text is released and it serves nothing until a full-text change or a reopen,
 * because applying later incremental changes to a stale copy would corrupt it silently.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LineIndexedText, scanOffsetAt, scanPositionAt, type Position, type Range } from './line-index.js';

export type { Position, Range } from './line-index.js';

/** LSP `TextDocumentContentChangeEvent`: the whole new text, or a range and its replacement. */
export type ContentChange = { text: string } | { range: Range; rangeLength?: number; text: string };

export interface DocumentSnapshot {
  uri: string;
  languageId: string;
  version: number;
  text: string;
}

export interface DocumentStoreLimits {
  /** Largest document, in UTF-8 bytes (default 8 MiB). */
  maxDocumentBytes?: number;
  /** Most documents open at once (default 1,000). */
  maxDocuments?: number;
  /** Most bytes held across all documents (default 256 MiB). */
  maxTotalBytes?: number;
}

export type DocumentErrorReason =
  | 'invalid-params'
  | 'unknown-document'
  | 'stale-version'
  | 'out-of-sync'
  | 'document-too-large'
  | 'too-many-documents'
  | 'store-full';

/** JSON-RPC codes: InvalidParams, and LSP's RequestFailed for a well-formed request we cannot serve. */
const INVALID_PARAMS = -32602;
const REQUEST_FAILED = -32803;

export class DocumentError extends Error {
  /** The JSON-RPC error code a server should answer with. */
  readonly rpcCode: number;

  constructor(
    readonly reason: DocumentErrorReason,
    message: string,
  ) {
    super(message);
    this.name = 'DocumentError';
    this.rpcCode = reason === 'invalid-params' || reason === 'unknown-document' || reason === 'stale-version' ? INVALID_PARAMS : REQUEST_FAILED;
  }
}

const MiB = 1024 * 1024;
const DEFAULT_LIMITS: Required<DocumentStoreLimits> = { maxDocumentBytes: 8 * MiB, maxDocuments: 1000, maxTotalBytes: 256 * MiB };

/**
 * UTF-8 size counted per UTF-16 code unit, so that sizes of pieces add up exactly: a surrogate
 * half counts 2, making a well-formed pair 4 bytes as in UTF-8.
 */
function utf8Bytes(text: string, start = 0, end = text.length): number {
  let bytes = 0;
  for (let i = start; i < end; i++) {
    const unit = text.charCodeAt(i);
    bytes += unit < 0x80 ? 1 : unit < 0x800 || (unit >= 0xd800 && unit <= 0xdfff) ? 2 : 3;
  }
  return bytes;
}

function checkPosition(position: unknown, what: string): Position {
  const p = position as Position | null | undefined;
  if (typeof p !== 'object' || p === null || !isCount(p.line) || !isCount(p.character)) {
    throw new DocumentError('invalid-params', `${what} must be { line, character } with whole numbers ≥ 0, got ${JSON.stringify(position)}`);
  }
  return p;
}

function checkOffset(offset: unknown): void {
  if (typeof offset !== 'number' || Number.isNaN(offset)) throw new DocumentError('invalid-params', `offset must be a number, got ${JSON.stringify(offset)}`);
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

interface OpenDocument {
  uri: string;
  languageId: string;
  version: number;
  /** Undefined while out of sync. */
  content: LineIndexedText | undefined;
  bytes: number;
}

export class DocumentStore {
  private readonly documents = new Map<string, OpenDocument>();
  private readonly limits: Required<DocumentStoreLimits>;
  private heldBytes = 0;

  constructor(limits: DocumentStoreLimits = {}) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
    for (const [name, value] of Object.entries(this.limits)) {
      if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`DocumentStore: ${name} must be a whole number ≥ 1, got ${value}`);
    }
  }

  /** Documents open, including any out of sync. */
  get size(): number {
    return this.documents.size;
  }

  /** UTF-8 bytes held across all documents. */
  get totalBytes(): number {
    return this.heldBytes;
  }

  /** `textDocument/didOpen`. Opening a document again replaces it. */
  open(uri: string, languageId: string, version: number, text: string): void {
    if (typeof uri !== 'string' || uri === '') throw new DocumentError('invalid-params', 'didOpen needs a non-empty uri');
    if (typeof languageId !== 'string') throw new DocumentError('invalid-params', `didOpen of ${uri} needs a languageId string`);
    if (!Number.isSafeInteger(version)) throw new DocumentError('invalid-params', `didOpen of ${uri} needs a whole-number version, got ${JSON.stringify(version)}`);
    if (typeof text !== 'string') throw new DocumentError('invalid-params', `didOpen of ${uri} needs the document text as a string`);
    const existing = this.documents.get(uri);
    if (!existing && this.documents.size >= this.limits.maxDocuments) {
      throw new DocumentError(
        'too-many-documents',
        `cannot open ${uri}: ${this.documents.size} documents are already open, the limit for one connection; close some first`,
      );
    }
    const bytes = this.sizeWithinLimits(uri, text, existing);
    if (bytes === undefined) {
      // The client now holds new content under this uri; the old copy must not serve it.
      if (existing) this.markOutOfSync(existing, version);
      this.throwTooLarge(uri, text, existing);
    }
    if (existing) this.heldBytes -= existing.bytes;
    this.documents.set(uri, { uri, languageId, version, content: new LineIndexedText(text), bytes });
    this.heldBytes += bytes;
  }

  /** `textDocument/didChange`: applies the changes in order; `version` is the version after them. */
  change(uri: string, version: number, changes: readonly ContentChange[]): void {
    const document = this.documents.get(uri);
    if (!document) throw new DocumentError('unknown-document', `${String(uri)} is not open (no didOpen was received for it, or it was refused)`);
    if (!Number.isSafeInteger(version)) {
      this.markOutOfSync(document, document.version);
      throw new DocumentError('invalid-params', `didChange of ${uri} needs a whole-number version, got ${JSON.stringify(version)}; the document is now out of sync`);
    }
    if (version <= document.version) {
      throw new DocumentError(
        'stale-version',
        `didChange of ${uri} has version ${version}, but the document is already at version ${document.version}; versions must increase`,
      );
    }
    try {
      const valid = validChanges(uri, changes);
      for (const change of valid) this.apply(document, change);
      document.version = version;
    } catch (error) {
      this.markOutOfSync(document, version);
      if (error instanceof DocumentError) {
        throw new DocumentError(error.reason, `${error.message}; ${uri} is out of sync until it is reopened or fully replaced`);
      }
      throw error;
    }
  }

  /** `textDocument/didClose`. Returns whether the document was open. */
  close(uri: string): boolean {
    const document = this.documents.get(uri);
    if (!document) return false;
    this.heldBytes -= document.bytes;
    this.documents.delete(uri);
    return true;
  }

  /** The document as the client holds it; undefined when it is not open or out of sync. */
  get(uri: string): DocumentSnapshot | undefined {
    const document = this.documents.get(uri);
    if (!document?.content) return undefined;
    return { uri: document.uri, languageId: document.languageId, version: document.version, text: document.content.text };
  }

  /**
   * The offset of an LSP position in an open document (by uri) or in a text. A text that is an
   * open document's current text uses that document's line index; any other text is scanned.
   */
  offsetAt(uriOrText: string, position: Position): number {
    const checked = checkPosition(position, 'position');
    const indexed = this.indexFor(uriOrText);
    return indexed ? indexed.offsetAt(checked) : scanOffsetAt(uriOrText, checked);
  }

  /** The LSP position of an offset in an open document (by uri) or in a text; see offsetAt. */
  positionAt(uriOrText: string, offset: number): Position {
    checkOffset(offset);
    const indexed = this.indexFor(uriOrText);
    return indexed ? indexed.positionAt(offset) : scanPositionAt(uriOrText, offset);
  }

  private indexFor(uriOrText: string): LineIndexedText | undefined {
    if (typeof uriOrText !== 'string') throw new DocumentError('invalid-params', 'expected a document uri or text');
    // The string get() returned is the same object as the joined text, so `===` answers
    // without comparing characters; a text never joined cannot be one the caller holds.
    for (const document of this.documents.values()) {
      if (document.content?.joinedText === uriOrText) return document.content;
    }
    const byUri = this.documents.get(uriOrText);
    if (byUri && !byUri.content) throw new DocumentError('out-of-sync', `${uriOrText} is out of sync after a refused change; reopen it`);
    return byUri?.content;
  }

  private apply(document: OpenDocument, change: ContentChange): void {
    const content = document.content;
    if (!('range' in change) || change.range === undefined) {
      const bytes = this.sizeWithinLimits(document.uri, change.text, document);
      if (bytes === undefined) this.throwTooLarge(document.uri, change.text, document);
      this.heldBytes += bytes - document.bytes;
      document.bytes = bytes;
      document.content = new LineIndexedText(change.text);
      return;
    }
    if (!content) throw new DocumentError('out-of-sync', `an incremental change cannot be applied to ${document.uri}, which is out of sync`);
    let start = content.offsetAt(change.range.start);
    let end = content.offsetAt(change.range.end);
    // A reversed range means the same span; the reference implementation accepts it too.
    if (end < start) [start, end] = [end, start];
    const bytes = document.bytes - utf8Bytes(content.slice(start, end)) + utf8Bytes(change.text);
    if (bytes > this.limits.maxDocumentBytes) {
      throw new DocumentError('document-too-large', `the change would make ${document.uri} ${formatMiB(bytes)}, over the ${formatMiB(this.limits.maxDocumentBytes)} limit for a document`);
    }
    if (this.heldBytes - document.bytes + bytes > this.limits.maxTotalBytes) {
      throw new DocumentError('store-full', `the change to ${document.uri} would take open documents past the ${formatMiB(this.limits.maxTotalBytes)} limit`);
    }
    content.replace(start, end, change.text);
    this.heldBytes += bytes - document.bytes;
    document.bytes = bytes;
  }

  /** Bytes of `text`, or undefined when it would break the document or total limit. */
  private sizeWithinLimits(uri: string, text: string, replacing: OpenDocument | undefined): number | undefined {
    // UTF-8 is never shorter than UTF-16, so a long text is refused without being measured.
    if (text.length > this.limits.maxDocumentBytes) return undefined;
    const bytes = utf8Bytes(text);
    if (bytes > this.limits.maxDocumentBytes) return undefined;
    if (this.heldBytes - (replacing?.bytes ?? 0) + bytes > this.limits.maxTotalBytes) return undefined;
    return bytes;
  }

  private throwTooLarge(uri: string, text: string, replacing: OpenDocument | undefined): never {
    const bytes = text.length > this.limits.maxDocumentBytes ? text.length : utf8Bytes(text);
    if (bytes > this.limits.maxDocumentBytes) {
      throw new DocumentError('document-too-large', `${uri} is ${formatMiB(bytes)}, over the ${formatMiB(this.limits.maxDocumentBytes)} limit for a document`);
    }
    const others = this.heldBytes - (replacing?.bytes ?? 0);
    throw new DocumentError(
      'store-full',
      `cannot hold ${uri} (${formatMiB(bytes)}): open documents already hold ${formatMiB(others)} of the ${formatMiB(this.limits.maxTotalBytes)} limit; close some first`,
    );
  }

  private markOutOfSync(document: OpenDocument, version: number): void {
    this.heldBytes -= document.bytes;
    document.bytes = 0;
    document.content = undefined;
    document.version = version;
  }
}

function validChanges(uri: string, changes: unknown): ContentChange[] {
  if (!Array.isArray(changes)) throw new DocumentError('invalid-params', `didChange of ${uri} needs contentChanges as an array`);
  changes.forEach((change: unknown, i) => {
    const c = change as { text?: unknown; range?: unknown } | null;
    if (typeof c !== 'object' || c === null || typeof c.text !== 'string') {
      throw new DocumentError('invalid-params', `contentChanges[${i}] of ${uri} needs a text string`);
    }
    if (c.range !== undefined) {
      const range = c.range as Partial<Range> | null;
      if (typeof range !== 'object' || range === null) throw new DocumentError('invalid-params', `contentChanges[${i}].range of ${uri} must be { start, end }`);
      checkPosition(range.start, `contentChanges[${i}].range.start`);
      checkPosition(range.end, `contentChanges[${i}].range.end`);
    }
  });
  return changes as ContentChange[];
}

function formatMiB(bytes: number): string {
  return `${(bytes / MiB).toFixed(bytes < MiB ? 2 : 1)} MiB`;
}

/** The offset of an LSP position in `text`, clamped: past a line's end → its end, past the last line → the end. */
export function offsetAt(text: string, position: Position): number {
  return scanOffsetAt(text, checkPosition(position, 'position'));
}

/** The LSP position of an offset in `text` (clamped to the text). */
export function positionAt(text: string, offset: number): Position {
  checkOffset(offset);
  return scanPositionAt(text, offset);
}

/**
 * A `file://` URI as a repository-relative POSIX path; undefined for other schemes, for
 * malformed URIs and for files outside `root` (or `root` itself).
 */
export function uriToPath(uri: string, root: string): string | undefined {
  if (typeof uri !== 'string' || !/^file:/i.test(uri)) return undefined;
  let absolute: string;
  try {
    // Decodes percent escapes and resolves `.` and `..` segments (encoded ones too).
    absolute = fileURLToPath(uri);
  } catch {
    return undefined;
  }
  if (absolute.includes('\0')) return undefined;
  const relative = path.relative(path.resolve(root), absolute);
  if (relative === '' || relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative)) return undefined;
  return relative.split(path.sep).join('/');
}
