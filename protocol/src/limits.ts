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

/** Free text: transcript lines, spoken text, personalities, error messages. */
export const MAX_TEXT_LENGTH = 4000;

/** Transcript lines per `transcript` message. */
export const MAX_TRANSCRIPT_ENTRIES = 100;

/** Sessions a node may report in one heartbeat, and NPCs in one assignment. */
export const MAX_LIST_LENGTH = 1000;

/** How deep JSON may nest (each object or array a level), in a message, a request body or a campaign file. */
export const MAX_JSON_DEPTH = 32;

/** A free-form JSON field (provider options, entity properties, campaign settings), as UTF-8 JSON. */
export const MAX_JSON_FIELD_BYTES = 16 * 1024;
