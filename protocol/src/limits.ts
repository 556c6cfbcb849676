/**
 * The protocol's version and size caps, shared by both ends so a value one side
 * accepts is never one the other side rejects.
 */

/** Bumped on any change an older peer would reject or misread (see docs/PROTOCOL.md). */
export const PROTOCOL_VERSION = 1;

/** Largest accepted message, in UTF-8 bytes; bigger frames are refused unparsed. */
export const MAX_MESSAGE_BYTES = 1024 * 1024;

/** Ids, names, codes and other short strings. */
export const MAX_ID_LENGTH = 128;

/** Names of campaigns, NPCs and entities: Discord autocompletes them, and a choice holds at most 100 characters. */
export const MAX_NAME_LENGTH = 100;

/** Free text: transcript lines, spoken text, personalities, error messages. */
export const MAX_TEXT_LENGTH = 4000;

/** Transcript lines per `transcript` message. */
export const MAX_TRANSCRIPT_ENTRIES = 100;

/** A `transcript` message, in UTF-8 bytes: a node splits longer batches. */
export const MAX_TRANSCRIPT_BATCH_BYTES = 64 * 1024;

/**
 * Transcript lines the edge takes from one session and from one node: a sustained rate
 * a second and a burst (token buckets). A table speaks a line every few seconds; a node
 * paces itself by these, and the edge refuses what exceeds them (docs/PROTOCOL.md).
 */
export const TRANSCRIPT_SESSION_BUDGET = { linesPerSecond: 20, burst: 300 } as const;
export const TRANSCRIPT_NODE_BUDGET = { linesPerSecond: 200, burst: 1000 } as const;

/** Sessions a node may report in one heartbeat, and NPCs in one assignment. */
export const MAX_LIST_LENGTH = 1000;

/**
 * The most one `usage` message may report (it carries about a second of a session's use):
 * far above what a session spends, far below what would overflow a counter. The edge also
 * bounds a session's totals by its time (db/src/usage-bounds.ts).
 */
export const MAX_USAGE_PER_MESSAGE = { llm_tokens: 1_000_000, stt_seconds: 3600, tts_chars: 1_000_000, tool_calls: 10_000 } as const;

/** How deep JSON may nest (each object or array a level), in a message, a request body or a campaign file. */
export const MAX_JSON_DEPTH = 32;

/** A free-form JSON field (provider options, entity properties, campaign settings), as UTF-8 JSON. */
export const MAX_JSON_FIELD_BYTES = 16 * 1024;
