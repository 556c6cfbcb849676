import { listTenantProviders } from '@glyphoxa/db';
import type { Voice } from '@glyphoxa/protocol';
import { unwrap } from '../durable/outcome.ts';
import { fleetOf } from '../durable/stubs.ts';
import { poolOf } from '../durable/fleet/placement.ts';
import type { Principal } from '../principal.ts';
import { openEndpoint } from '../secrets/provider-keys.ts';
import type { OperationContext } from './context.ts';
import { authorize } from './permissions.ts';
import { mustGetTenant } from './tenants.ts';

/** What a voice says when the DM gives it no line. */
export const DEFAULT_PREVIEW_LINE = 'Well met, traveller. This is how I sound.';

/**
 * A short line spoken in `voice`, as a session of this tenant would speak it: synthesis lives
 * on the voice nodes (the tenant's TTS, or espeak-ng, which only a node has), so a node of the
 * tenant's pool speaks it and the edge hands the WAV on. The tenant's TTS key travels to the
 * node as in a session assignment, and is not kept there.
 */
export async function previewVoice(ctx: OperationContext, principal: Principal, tenantId: string, input: { voice: Voice; text?: string | undefined }) {
  authorize(principal, 'npcs.manage', tenantId);
  const tenant = await mustGetTenant(ctx.db(), tenantId);
  const row = (await listTenantProviders(ctx.db(), tenantId)).find((p) => p.role === 'tts');
  const tts = row ? await openEndpoint(ctx.env.SECRET_KEYS, row) : undefined;
  const audio = unwrap(await fleetOf(ctx.env, poolOf(tenant)).preview({ tenant_id: tenantId, voice: input.voice, text: input.text ?? DEFAULT_PREVIEW_LINE, ...(tts && { tts }) }));
  return { wav: Uint8Array.from(atob(audio.wav_base64), (c) => c.charCodeAt(0)), durationMs: audio.duration_ms, spokenBy: audio.spoken_by };
}
