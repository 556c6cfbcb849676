import { decodeBase64, encodeBase64, type Keyring } from './keyring.ts';

/**
 * Sealed secrets are `<key id>.<base64 nonce>.<base64 ciphertext+tag>`:
 * AES-256-GCM with a random 96-bit nonce. The key id in front lets keys rotate.
 * `context` (say `tenant:acme:bot_token`) is bound as additional data, so a
 * sealed value copied onto another tenant or field does not open.
 */
const NONCE_BYTES = 12;

export class SecretError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretError';
  }
}

export async function sealSecret(keyring: Keyring, plaintext: string, context: string): Promise<string> {
  const key = keyring.keys.get(keyring.currentId)!;
  const nonce = crypto.getRandomValues(new Uint8Array(NONCE_BYTES));
  const ciphertext = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv: nonce, additionalData: new TextEncoder().encode(context) },
    key,
    new TextEncoder().encode(plaintext),
  );
  return `${keyring.currentId}.${encodeBase64(nonce)}.${encodeBase64(new Uint8Array(ciphertext))}`;
}

export async function openSecret(keyring: Keyring, sealed: string, context: string): Promise<string> {
  const [keyId, nonceText, ciphertextText, ...rest] = sealed.split('.');
  if (!keyId || !nonceText || !ciphertextText || rest.length > 0) throw new SecretError('malformed sealed secret');
  const key = keyring.keys.get(keyId);
  if (!key) throw new SecretError(`unknown secret key id ${keyId}`);
  let nonce: Uint8Array<ArrayBuffer>;
  let ciphertext: Uint8Array<ArrayBuffer>;
  try {
    nonce = decodeBase64(nonceText);
    ciphertext = decodeBase64(ciphertextText);
  } catch {
    throw new SecretError('malformed sealed secret');
  }
  if (nonce.byteLength !== NONCE_BYTES) throw new SecretError('malformed sealed secret');
  try {
    const plaintext = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: nonce, additionalData: new TextEncoder().encode(context) },
      key,
      ciphertext,
    );
    return new TextDecoder().decode(plaintext);
  } catch {
    // GCM authentication failed: tampered, truncated, or sealed for another context.
    throw new SecretError('sealed secret failed authentication');
  }
}
