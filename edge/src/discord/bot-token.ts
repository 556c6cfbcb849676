import type { Tenant } from '@glyphoxa/db';
import { openSecret } from '../secrets/cipher.ts';
import { loadKeyring } from '../secrets/keyring.ts';

/** The tenant's bot token, opened from its sealed column; null when none is stored. */
export async function tenantBotToken(secretKeys: string, tenant: Pick<Tenant, 'id' | 'botTokenEnc'>): Promise<string | null> {
  if (!tenant.botTokenEnc) return null;
  return openSecret(await loadKeyring(secretKeys), tenant.botTokenEnc, `tenant:${tenant.id}:bot_token`);
}
