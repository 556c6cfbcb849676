/** The few Postgres wire messages the embedded server and the pooler write or read themselves. */

import { PROTOCOL_V3 } from './framing.ts';

/** A typed message: type byte, int32 length (itself included), body. */
export function typedMessage(type: string, body: Uint8Array = new Uint8Array(0)): Buffer {
  const head = Buffer.alloc(5);
  head.write(type, 0, 'latin1');
  head.writeInt32BE(4 + body.length, 1);
  return Buffer.concat([head, body]);
}

export function startupMessage(parameters: Record<string, string>): Buffer {
  const pairs = Buffer.from(`${Object.entries(parameters).map(([k, v]) => `${k}\0${v}\0`).join('')}\0`);
  const head = Buffer.alloc(8);
  head.writeInt32BE(8 + pairs.length, 0);
  head.writeInt32BE(PROTOCOL_V3, 4);
  return Buffer.concat([head, pairs]);
}

/** A startup message's parameters (user, database, application_name, …), as the client sent them. */
export function readStartupParameters(bytes: Uint8Array): Record<string, string> {
  const parts = Buffer.from(bytes.subarray(8)).toString('utf8').split('\0');
  const parameters: Record<string, string> = {};
  for (let i = 0; i + 1 < parts.length && parts[i] !== ''; i += 2) parameters[parts[i]!] = parts[i + 1]!;
  return parameters;
}

/** The NUL-terminated string at `at` in a message body, and where the next field starts. */
export function readCString(body: Uint8Array, at = 0): { value: string; next: number } {
  let end = body.indexOf(0, at);
  if (end < 0) end = body.length;
  return { value: Buffer.from(body.buffer, body.byteOffset + at, end - at).toString('utf8'), next: end + 1 };
}

export const authenticationOk = () => typedMessage('R', Buffer.from([0, 0, 0, 0]));
export const readyForQuery = () => typedMessage('Z', Buffer.from('I'));

/** A backend key the client may use to cancel: the pooler ignores cancel requests. */
export function backendKeyData(processId: number): Buffer {
  const body = Buffer.alloc(8);
  body.writeInt32BE(processId, 0);
  body.writeInt32BE(0, 4);
  return typedMessage('K', body);
}

export function errorResponse(code: string, message: string): Buffer {
  return typedMessage('E', Buffer.from(`SFATAL\0VFATAL\0C${code}\0M${message}\0\0`));
}

/** An ErrorResponse body's fields by their one-letter codes (C: SQLSTATE, M: message). */
export function readErrorFields(body: Buffer): Record<string, string> {
  const fields: Record<string, string> = {};
  let at = 0;
  while (at < body.length && body[at] !== 0) {
    const end = body.indexOf(0, at + 1);
    fields[String.fromCharCode(body[at]!)] = body.subarray(at + 1, end).toString('utf8');
    at = end + 1;
  }
  return fields;
}
