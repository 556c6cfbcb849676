import { encodeBase64 } from '../secrets/keyring.ts';

/** A URL-safe random secret of `bytes` bytes (base64url, no padding). */
export function randomToken(bytes = 32): string {
  return encodeBase64(crypto.getRandomValues(new Uint8Array(bytes))).replace(/[+/=]/g, (c) => ({ '+': '-', '/': '_', '=': '' })[c]!);
}
