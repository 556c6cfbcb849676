import { listTenantProviders, type Database } from '@glyphoxa/db';
import { elevenLabsVoiceCloner, type VoiceCloner } from '@glyphoxa/providers/voice-clone';
import type { Bindings } from '../env.ts';
import { providerSettings } from '../secrets/provider-keys.ts';

/** The tenant's TTS vendor's voice cloning, key opened; null unless that vendor is ElevenLabs. */
export async function tenantVoiceCloner(deps: { env: Pick<Bindings, 'SECRET_KEYS'>; db: Database }, tenantId: string): Promise<VoiceCloner | null> {
  const tts = (await listTenantProviders(deps.db, tenantId)).find((p) => p.role === 'tts');
  if (tts?.kind !== 'elevenlabs') return null;
  const { tts: endpoint } = await providerSettings(deps.env.SECRET_KEYS, [tts]);
  return elevenLabsVoiceCloner(endpoint!);
}
