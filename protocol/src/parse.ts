import * as v from 'valibot';
import { EdgeMessageSchema } from './edge-messages.ts';
import { describeJsonProblem, exceedsUtf8Bytes, jsonProblem } from './json-bounds.ts';
import { MAX_ID_LENGTH, MAX_LIST_LENGTH, MAX_MESSAGE_BYTES, MAX_TRANSCRIPT_BATCH_BYTES } from './limits.ts';
import { NodeMessageSchema } from './node-messages.ts';

export type ParseErrorCode = 'invalid_json' | 'invalid_message';

export interface ParseError {
  code: ParseErrorCode;
  message: string;
  /** Dotted path of the first offending field (`entries.0.text`). */
  field?: string;
}

/**
 * What could be read from a rejected message, so the receiver can still answer
 * it: `request_id` to fail the request, `type` to name it in an `error`.
 */
export interface RejectedContext {
  type?: string;
  request_id?: string;
}

export type ParseResult<T> = { ok: true; message: T } | { ok: false; error: ParseError; context: RejectedContext };

/** Parses and validates one node -> edge frame (anything but a string is rejected). Never throws. */
export function parseNodeMessage(raw: unknown) {
  const parsed = parseWith(NodeMessageSchema, raw);
  if (parsed.ok && parsed.message.type === 'transcript' && exceedsUtf8Bytes(raw as string, MAX_TRANSCRIPT_BATCH_BYTES)) {
    return reject('invalid_message', `A transcript message exceeds ${MAX_TRANSCRIPT_BATCH_BYTES} bytes; send its lines in smaller batches`, undefined, { type: 'transcript' });
  }
  return parsed;
}

/**
 * The session, `seq` and line count of a `transcript` frame, read without validating its
 * lines (null for any other frame, or one not even that well formed): enough for a
 * receiver to refuse a batch over its budget before paying to validate it.
 */
export function transcriptHead(raw: unknown): { session_id: string; seq: number | undefined; lines: number } | null {
  if (typeof raw !== 'string' || exceedsUtf8Bytes(raw, MAX_TRANSCRIPT_BATCH_BYTES) || !raw.includes('"transcript"')) return null;
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return null;
  }
  const { type, session_id, seq, entries } = (data ?? {}) as Record<string, unknown>;
  if (type !== 'transcript' || typeof session_id !== 'string' || !Array.isArray(entries)) return null;
  return { session_id, seq: Number.isSafeInteger(seq) && (seq as number) > 0 ? (seq as number) : undefined, lines: entries.length };
}

/** valibot's `v.uuid()`, as `SessionIdSchema` checks it. */
const UUID = /^[\da-f]{8}(?:-[\da-f]{4}){3}-[\da-f]{12}$/iu;

/**
 * The session ids of a `heartbeat` frame, checked as `parseNodeMessage` checks them (ids,
 * list length), for the one frame every node sends every few seconds: a plain heartbeat is
 * read without the schema's walk. Null for anything else, or any heartbeat not that plain
 * (an extra or odd field): `parseNodeMessage` then answers it, errors included.
 */
export function heartbeatSessions(raw: unknown): string[] | null {
  if (typeof raw !== 'string' || !raw.includes('"heartbeat"') || exceedsUtf8Bytes(raw, MAX_MESSAGE_BYTES)) return null;
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return null;
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return null;
  const { type, sessions, ...rest } = data as Record<string, unknown>;
  if (type !== 'heartbeat' || !Array.isArray(sessions) || sessions.length > MAX_LIST_LENGTH || Object.keys(rest).length > 0) return null;
  for (const id of sessions) if (typeof id !== 'string' || !UUID.test(id)) return null;
  return sessions as string[];
}

/** Parses and validates one edge -> node frame (anything but a string is rejected). Never throws. */
export function parseEdgeMessage(raw: unknown) {
  return parseWith(EdgeMessageSchema, raw);
}

/** Dotted path of a valibot issue (`npcs.0.voice.pitch`), or undefined at the root. */
export function issuePath(issue: v.BaseIssue<unknown>): string | undefined {
  const keys = issue.path?.map((item) => String(item.key));
  return keys && keys.length > 0 ? keys.join('.') : undefined;
}

function parseWith<S extends v.GenericSchema>(schema: S, raw: unknown): ParseResult<v.InferOutput<S>> {
  if (typeof raw !== 'string') return reject('invalid_message', 'Message must be a text frame');
  if (exceedsUtf8Bytes(raw, MAX_MESSAGE_BYTES)) {
    return reject('invalid_message', `Message exceeds ${MAX_MESSAGE_BYTES} bytes`);
  }
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return reject('invalid_json', 'Message is not valid JSON');
  }
  const bad = jsonProblem(data);
  if (bad) return reject('invalid_message', describeJsonProblem(bad), bad.field, readContext(data));
  const result = v.safeParse(schema, data);
  if (result.success) return { ok: true, message: result.output };
  const issue = result.issues[0];
  const field = issuePath(issue);
  const message = field ? `${field}: ${issue.message}` : issue.message;
  return reject('invalid_message', message, field, readContext(data));
}

function reject(code: ParseErrorCode, message: string, field?: string, context: RejectedContext = {}) {
  const error: ParseError = field === undefined ? { code, message } : { code, message, field };
  return { ok: false as const, error, context };
}

function readContext(data: unknown): RejectedContext {
  if (typeof data !== 'object' || data === null) return {};
  const record = data as Record<string, unknown>;
  const context: RejectedContext = {};
  if (isShortString(record.type)) context.type = record.type;
  if (isShortString(record.request_id)) context.request_id = record.request_id;
  return context;
}

function isShortString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_ID_LENGTH && !value.includes('\0');
}
