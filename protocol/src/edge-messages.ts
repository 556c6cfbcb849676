import * as v from 'valibot';
import { ErrorBodySchema, IdSchema, SessionEndReasonSchema, SessionIdSchema, TextSchema } from './fields.ts';
import { MAX_LIST_LENGTH } from './limits.ts';
import { AudioAssignmentSchema } from './audio.ts';
import { CampaignFactsEntries } from './campaign.ts';
import { NpcDefinitionSchema, VoiceSchema } from './npc.ts';
import { ProviderEndpointSchema, ProviderSettingsSchema } from './providers.ts';

/** Messages the edge sends to a voice node. */

/** The answer to `hello`: the node is registered in `pool` and should heartbeat at this pace. */
export const WelcomeSchema = v.object({
  type: v.literal('welcome'),
  node_id: IdSchema,
  pool: IdSchema,
  heartbeat_interval_ms: v.pipe(v.number(), v.integer(), v.minValue(100), v.maxValue(60_000)),
});
export type Welcome = v.InferOutput<typeof WelcomeSchema>;

/** A session placed on this node; the node answers with `session_state`. */
export const StartSessionSchema = v.object({
  type: v.literal('start_session'),
  session_id: SessionIdSchema,
  tenant_id: IdSchema,
  campaign_id: v.nullable(IdSchema),
  guild_id: IdSchema,
  channel_id: IdSchema,
  started_by: IdSchema,
  npcs: v.pipe(v.array(NpcDefinitionSchema), v.maxLength(MAX_LIST_LENGTH)),
  /** The campaign's facts, for NPC context. */
  ...CampaignFactsEntries,
  providers: ProviderSettingsSchema,
  audio: AudioAssignmentSchema,
});
export type StartSession = v.InferOutput<typeof StartSessionSchema>;

/** The node stops the session and reports `session_state` ended with this reason. */
export const StopSessionSchema = v.object({
  type: v.literal('stop_session'),
  session_id: SessionIdSchema,
  reason: SessionEndReasonSchema,
});
export type StopSession = v.InferOutput<typeof StopSessionSchema>;

const npcCommandEnvelope = {
  type: v.literal('npc_command'),
  request_id: IdSchema,
  session_id: SessionIdSchema,
};

/**
 * A DM's NPC command for a running session, answered with a `reply`. Each action
 * names exactly the fields it needs, so `mute` without `name` is invalid on the wire.
 */
export const NpcCommandSchema = v.variant('action', [
  v.object({ ...npcCommandEnvelope, action: v.picklist(['list', 'muteall', 'unmuteall']) }),
  v.object({ ...npcCommandEnvelope, action: v.picklist(['mute', 'unmute']), name: IdSchema }),
  v.object({ ...npcCommandEnvelope, action: v.literal('speak'), name: IdSchema, text: v.pipe(TextSchema, v.nonEmpty()) }),
]);
export type NpcCommand = v.InferOutput<typeof NpcCommandSchema>;
export type NpcAction = NpcCommand['action'];

/**
 * A running session's NPCs as the campaign now has them (the DM changed one on the web):
 * the node replaces its roster, so voice, personality and a new muted default apply from
 * the next turn. Sent whole, so a lost one is made good by the next.
 */
export const NpcRosterSchema = v.object({
  type: v.literal('npc_roster'),
  session_id: SessionIdSchema,
  npcs: v.pipe(v.array(NpcDefinitionSchema), v.maxLength(MAX_LIST_LENGTH)),
});
export type NpcRoster = v.InferOutput<typeof NpcRosterSchema>;

/**
 * A running session's campaign facts as the campaign now has them (the DM changed an
 * entity or a relationship on the web or in Discord): the node replaces its facts, so NPCs
 * know of the change from their next turn. Sent whole, like `npc_roster`.
 */
export const CampaignFactsSchema = v.object({
  type: v.literal('campaign_facts'),
  session_id: SessionIdSchema,
  ...CampaignFactsEntries,
});
export type CampaignFacts = v.InferOutput<typeof CampaignFactsSchema>;

/** Something the table should hear about a running session (its quota is nearly used up). */
export const SessionNoticeSchema = v.object({
  type: v.literal('session_notice'),
  session_id: SessionIdSchema,
  level: v.picklist(['info', 'warning']),
  message: TextSchema,
});
export type SessionNotice = v.InferOutput<typeof SessionNoticeSchema>;

/** Longest line a voice preview speaks, and the most audio it sends back (a reply stays well under MAX_MESSAGE_BYTES). */
export const MAX_PREVIEW_TEXT_LENGTH = 300;
export const MAX_PREVIEW_MS = 8_000;

/**
 * A line to speak in `voice` outside any session (a DM trying a voice in the dashboard),
 * with the tenant's TTS (`tts`) or, when it has none or the voice is `espeak`, the local
 * voice, as a session would choose. Answered with a `reply` whose `data` is `VoicePreviewAudio`.
 */
export const VoicePreviewSchema = v.object({
  type: v.literal('voice_preview'),
  request_id: IdSchema,
  tenant_id: IdSchema,
  voice: VoiceSchema,
  text: v.pipe(TextSchema, v.nonEmpty(), v.maxLength(MAX_PREVIEW_TEXT_LENGTH)),
  tts: v.optional(ProviderEndpointSchema),
});
export type VoicePreview = v.InferOutput<typeof VoicePreviewSchema>;

/** A preview's audio: a mono 16-bit WAV, base64, at most MAX_PREVIEW_MS long. */
export const VoicePreviewAudioSchema = v.object({
  wav_base64: v.pipe(v.string(), v.maxLength(800_000)),
  duration_ms: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(MAX_PREVIEW_MS)),
  /** Which voice spoke it: the tenant's TTS vendor, or `espeak`. */
  spoken_by: IdSchema,
});
export type VoicePreviewAudio = v.InferOutput<typeof VoicePreviewAudioSchema>;

/** The edge's answer to a node message it could not accept. */
export const EdgeErrorSchema = v.object({
  type: v.literal('error'),
  ...ErrorBodySchema.entries,
  /** Dotted path of the offending field, for a message that failed validation. */
  field: v.optional(TextSchema),
  /** `type` of the offending node message, when it had a readable one. */
  request_type: v.optional(IdSchema),
  /** A refused `transcript`: its session and `seq`. */
  session_id: v.optional(SessionIdSchema),
  seq: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
  /** Send the refused message again after this long (the edge is busy or the budget spent); absent: do not. */
  retry_after_ms: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(3_600_000))),
});
export type EdgeError = v.InferOutput<typeof EdgeErrorSchema>;

export const EdgeMessageSchema = v.variant('type', [
  WelcomeSchema,
  StartSessionSchema,
  StopSessionSchema,
  NpcCommandSchema,
  NpcRosterSchema,
  CampaignFactsSchema,
  SessionNoticeSchema,
  VoicePreviewSchema,
  EdgeErrorSchema,
]);
export type EdgeMessage = v.InferOutput<typeof EdgeMessageSchema>;
export type EdgeMessageType = EdgeMessage['type'];
