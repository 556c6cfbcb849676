import { sql } from 'drizzle-orm';
import { bigint, check, index, integer, pgEnum, pgTable, smallint, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { tenantPolicies } from '../tenant-isolation/policies.ts';
import { tenants } from './tenants.ts';

export const voiceSampleFormat = pgEnum('voice_sample_format', ['wav', 'mp3']);
/** `uploaded` until a clone is asked for; `processing` while the TTS vendor clones it; then `ready` (with its voice id) or `failed` (with its reason). */
export const voiceSampleStatus = pgEnum('voice_sample_status', ['uploaded', 'processing', 'ready', 'failed']);

/**
 * A recording a DM uploaded to clone an NPC's voice from. The audio lives in R2 under
 * `file_key`; format, duration, rate and channels were read from its bytes.
 */
export const voiceSamples = pgTable(
  'voice_samples',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    fileKey: text('file_key').notNull().unique(),
    fileSize: bigint('file_size', { mode: 'number' }).notNull(),
    durationMs: integer('duration_ms').notNull(),
    format: voiceSampleFormat('format').notNull(),
    sampleRate: integer('sample_rate').notNull(),
    channels: smallint('channels').notNull(),
    status: voiceSampleStatus('status').notNull().default('uploaded'),
    /** The TTS vendor's id of the voice cloned from it (ElevenLabs `voice_id`). */
    providerVoiceId: text('provider_voice_id'),
    /** Why cloning failed, in the vendor's words. */
    error: text('error'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('voice_samples_tenant_created_idx').on(t.tenantId, t.createdAt),
    check('voice_samples_name_length', sql`char_length(${t.name}) between 1 and 100`),
    ...tenantPolicies('voice_samples', 'tenant_id'),
  ],
);

export type VoiceSample = typeof voiceSamples.$inferSelect;
export type NewVoiceSample = typeof voiceSamples.$inferInsert;
export type VoiceSampleStatus = (typeof voiceSampleStatus.enumValues)[number];
export type VoiceSampleFormat = (typeof voiceSampleFormat.enumValues)[number];
