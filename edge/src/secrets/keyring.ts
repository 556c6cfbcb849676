/**
 * The secret-encryption keyring, from the `SECRET_KEYS` Worker secret (or the
 * environment): comma-separated `id:base64(32 random bytes)` entries, the
 * first one current. Rotating adds a new first entry; older ids stay listed so
 * what they sealed still opens.
 */
export interface Keyring {
  currentId: string;
  keys: ReadonlyMap<string, CryptoKey>;
}

const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
const cache = new Map<string, Promise<Keyring>>();

export class KeyringError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeyringError';
  }
}

/** Parses and imports the keyring; imported keys are cached per spec for the isolate's life. */
export function loadKeyring(spec: string | undefined): Promise<Keyring> {
  if (!spec) return Promise.reject(new KeyringError('SECRET_KEYS is not set'));
  let keyring = cache.get(spec);
  if (!keyring) {
    keyring = importKeyring(spec);
    keyring.catch(() => cache.delete(spec));
    cache.set(spec, keyring);
  }
  return keyring;
}

async function importKeyring(spec: string): Promise<Keyring> {
  const keys = new Map<string, CryptoKey>();
  let currentId: string | undefined;
  for (const entry of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    const [id, material, ...rest] = entry.split(':');
    if (!id || !KEY_ID.test(id) || !material || rest.length > 0) {
      throw new KeyringError('SECRET_KEYS entries must look like id:base64key');
    }
    const raw = decodeBase64(material);
    if (raw.byteLength !== 32) throw new KeyringError(`SECRET_KEYS key ${id} must be 32 bytes`);
    if (keys.has(id)) throw new KeyringError(`SECRET_KEYS lists key ${id} twice`);
    keys.set(id, await crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['encrypt', 'decrypt']));
    currentId ??= id;
  }
  if (!currentId) throw new KeyringError('SECRET_KEYS holds no key');
  return { currentId, keys };
}

/** A fresh keyring spec entry: what `npm start` generates once and keeps under .data/. */
export function generateKeySpec(id: string): string {
  return `${id}:${encodeBase64(crypto.getRandomValues(new Uint8Array(32)))}`;
}

export function encodeBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

export function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
