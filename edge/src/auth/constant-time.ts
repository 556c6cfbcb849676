const encoder = new TextEncoder();
/** workerd's extension of Web Crypto, named here because the dashboard type-checks this file beside the DOM's SubtleCrypto. */
type WorkerdSubtleCrypto = SubtleCrypto & { timingSafeEqual(a: ArrayBuffer, b: ArrayBuffer): boolean };

/**
 * Compares two secrets in time that does not depend on where they differ.
 * Both are hashed first so their lengths cannot leak either.
 */
export async function secretsEqual(a: string, b: string): Promise<boolean> {
  const [ha, hb] = await Promise.all([sha256(a), sha256(b)]);
  return (crypto.subtle as WorkerdSubtleCrypto).timingSafeEqual(ha, hb);
}

export async function sha256(text: string): Promise<ArrayBuffer> {
  return crypto.subtle.digest('SHA-256', encoder.encode(text));
}

export async function sha256Hex(text: string): Promise<string> {
  return [...new Uint8Array(await sha256(text))].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** The token after `Bearer `, or null. */
export function bearerToken(header: string | undefined | null): string | null {
  const match = header?.match(/^Bearer\s+(\S+)$/i);
  return match?.[1] ?? null;
}
