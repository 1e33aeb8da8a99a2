/**
 * JSON-RPC 2.0 messages as LSP uses them: the error codes, the error type, and the sorting of a
 * parsed JSON value into request, notification or response (or the reason it is none of them).
 * Kept apart from the connection so the rules can be read, and tested, in one place.
 */

import type { FramingError } from './framing.js';

export type RequestId = number | string;

export const ErrorCodes = {
  ParseError: -32700,
  InvalidRequest: -32600,
  MethodNotFound: -32601,
  InvalidParams: -32602,
  InternalError: -32603,
  ServerNotInitialized: -32002,
  RequestCancelled: -32800,
} as const;

/**
 * A JSON-RPC error: thrown by a handler to answer with a specific code (anything else thrown
 * becomes -32603), and how a peer's error response reaches the caller of sendRequest.
 */
export class RpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
    this.name = 'RpcError';
  }
}

export type IncomingMessage =
  | { kind: 'request'; id: RequestId; method: string; params: unknown }
  | { kind: 'notification'; method: string; params: unknown }
  | { kind: 'response'; id: RequestId | null; outcome: { result: unknown } | { error: RpcError } }
  // `id` is the request's id when it could be read, so the peer can match the error to its request.
  | { kind: 'invalid'; id: RequestId | null; reason: string };

export function classifyMessage(value: unknown): IncomingMessage {
  if (Array.isArray(value)) return invalid(null, 'batches are not supported (LSP has no batch messages)');
  if (!isObject(value)) return invalid(null, 'a message must be a JSON object');
  const readableId = isRequestId(value['id']) ? value['id'] : null;
  if (value['jsonrpc'] !== '2.0') return invalid(readableId, '"jsonrpc" must be "2.0"');
  if ('method' in value) return classifyCall(value, readableId);
  if ('id' in value) return classifyResponse(value, readableId);
  return invalid(null, 'the message is neither a request, a notification nor a response');
}

/** A frame that could not be read is a parse error unless it was readable but refused. */
export function errorCodeFor(error: FramingError): number {
  const refused = error.kind === 'body-too-large' || error.kind === 'unsupported-encoding';
  return refused ? ErrorCodes.InvalidRequest : ErrorCodes.ParseError;
}

function classifyCall(value: Record<string, unknown>, readableId: RequestId | null): IncomingMessage {
  const method = value['method'];
  if (typeof method !== 'string') return invalid(readableId, '"method" must be a string');
  const params = value['params'];
  if (params !== undefined && (typeof params !== 'object' || params === null)) {
    return invalid(readableId, '"params" must be an object or an array');
  }
  if (!('id' in value)) return { kind: 'notification', method, params };
  if (readableId === null) return invalid(null, '"id" must be a string or a number');
  return { kind: 'request', id: readableId, method, params };
}

function classifyResponse(value: Record<string, unknown>, readableId: RequestId | null): IncomingMessage {
  if (readableId === null && value['id'] !== null) return invalid(null, '"id" must be a string, a number or null');
  const hasResult = 'result' in value;
  const hasError = 'error' in value;
  if (hasResult === hasError) return invalid(null, 'a response must have exactly one of "result" and "error"');
  if (hasResult) return { kind: 'response', id: readableId, outcome: { result: value['result'] } };
  const error = value['error'];
  if (!isObject(error) || !Number.isInteger(error['code']) || typeof error['message'] !== 'string') {
    return invalid(null, '"error" must be an object with an integer "code" and a string "message"');
  }
  const peerError = new RpcError(error['code'] as number, error['message'], error['data']);
  return { kind: 'response', id: readableId, outcome: { error: peerError } };
}

function isRequestId(value: unknown): value is RequestId {
  return typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value));
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(id: RequestId | null, reason: string): IncomingMessage {
  return { kind: 'invalid', id, reason };
}

/** Ids 1 and "1" are different requests. */
export function requestKey(id: RequestId): string {
  return `${typeof id}:${id}`;
}

/** An error's message, for logs and error responses. */
export function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
