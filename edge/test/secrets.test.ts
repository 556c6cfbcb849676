import { env } from 'cloudflare:workers';
import { createDb, getTenant, updateTenant, createTenant, deleteTenant } from '@glyphoxa/db';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createLogger } from '@glyphoxa/protocol';
import { openSecret, sealSecret, SecretError } from '../src/secrets/cipher.ts';
import { generateKeySpec, loadKeyring, KeyringError } from '../src/secrets/keyring.ts';

const TOKEN = 'MTIzNDU2Nzg5MDEy.plaintext-bot-token.XYZ';

describe('secrets', () => {
  it('seals with the current key and opens again', async () => {
    const keyring = await loadKeyring(env.SECRET_KEYS);
    const sealed = await sealSecret(keyring, TOKEN, 'tenant:acme:bot_token');
    expect(sealed.startsWith('k2.')).toBe(true);
    expect(sealed).not.toContain(TOKEN);
    expect(await openSecret(keyring, sealed, 'tenant:acme:bot_token')).toBe(TOKEN);
  });

  it('uses a fresh nonce every time', async () => {
    const keyring = await loadKeyring(env.SECRET_KEYS);
    const a = await sealSecret(keyring, TOKEN, 'ctx');
    const b = await sealSecret(keyring, TOKEN, 'ctx');
    expect(a).not.toBe(b);
  });

  it('keeps opening secrets sealed under a rotated-out key', async () => {
    const oldOnly = await loadKeyring(env.SECRET_KEYS.split(',')[1]!);
    const sealedByOld = await sealSecret(oldOnly, TOKEN, 'ctx');
    expect(sealedByOld.startsWith('k1.')).toBe(true);
    const rotated = await loadKeyring(env.SECRET_KEYS);
    expect(await openSecret(rotated, sealedByOld, 'ctx')).toBe(TOKEN);
  });

  it('refuses a tampered ciphertext, a foreign context and an unknown key id', async () => {
    const keyring = await loadKeyring(env.SECRET_KEYS);
    const sealed = await sealSecret(keyring, TOKEN, 'tenant:acme:bot_token');
    const [id, nonce, body] = sealed.split('.') as [string, string, string];
    const flipped = body.startsWith('A') ? `B${body.slice(1)}` : `A${body.slice(1)}`;
    await expect(openSecret(keyring, `${id}.${nonce}.${flipped}`, 'tenant:acme:bot_token')).rejects.toThrow(SecretError);
    await expect(openSecret(keyring, sealed, 'tenant:evil:bot_token')).rejects.toThrow(/authentication/);
    await expect(openSecret(keyring, `k9.${nonce}.${body}`, 'tenant:acme:bot_token')).rejects.toThrow(/unknown secret key id k9/);
    await expect(openSecret(keyring, 'garbage', 'x')).rejects.toThrow(/malformed/);
  });

  it('rejects a malformed keyring', async () => {
    await expect(loadKeyring(undefined)).rejects.toThrow(KeyringError);
    await expect(loadKeyring('k1:c2hvcnQ=')).rejects.toThrow(/32 bytes/);
    await expect(loadKeyring('no-colon')).rejects.toThrow(/id:base64key/);
    expect((await loadKeyring(generateKeySpec('fresh'))).currentId).toBe('fresh');
  });

  it('never lets the plaintext reach the database or a log line', async () => {
    const { db } = createDb(env.HYPERDRIVE.connectionString, { max: 1 });
    const tenantId = `sec-${crypto.randomUUID().slice(0, 8)}`;
    const lines: string[] = [];
    const log = createLogger({ tenant_id: tenantId }, { sink: (line) => lines.push(line) });
    try {
      const keyring = await loadKeyring(env.SECRET_KEYS);
      await createTenant(db, { id: tenantId });
      const sealed = await sealSecret(keyring, TOKEN, `tenant:${tenantId}:bot_token`);
      await updateTenant(db, tenantId, { botTokenEnc: sealed });
      log.info('bot token stored', { bot_token: TOKEN, detail: { api_key: TOKEN }, tenant: tenantId });

      const raw = await db.execute(sql`select t::text as row from tenants t where id = ${tenantId}`);
      expect(JSON.stringify(raw)).not.toContain(TOKEN);
      expect(lines.join('\n')).not.toContain(TOKEN);
      expect(lines.join('\n')).toContain('[redacted]');
      const stored = await getTenant(db, tenantId);
      expect(await openSecret(keyring, stored!.botTokenEnc!, `tenant:${tenantId}:bot_token`)).toBe(TOKEN);
    } finally {
      await deleteTenant(db, tenantId);
    }
  });
});
