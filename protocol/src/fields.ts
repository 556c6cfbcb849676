import * as v from 'valibot';
import { MAX_ID_LENGTH, MAX_TEXT_LENGTH } from './limits.ts';

/** A non-empty short string: ids, names, codes. */
export const IdSchema = v.pipe(v.string(), v.nonEmpty(), v.maxLength(MAX_ID_LENGTH));

/** Free text, possibly empty. */
export const TextSchema = v.pipe(v.string(), v.maxLength(MAX_TEXT_LENGTH));

/** Sessions are rows in Postgres keyed by uuid. */
export const SessionIdSchema = v.pipe(v.string(), v.uuid());

export const CountSchema = v.pipe(v.number(), v.integer(), v.minValue(0));

/** Why a session ended: on the wire, and (built from this list) the `session_end_reason` enum in db/. */
export const SESSION_END_REASONS = ['stopped', 'node_lost', 'quota', 'failed', 'tenant_deleted'] as const;
export const SessionEndReasonSchema = v.picklist(SESSION_END_REASONS);
export type SessionEndReason = v.InferOutput<typeof SessionEndReasonSchema>;

/** `{code, message}`: the error shape of replies and of the edge's `error` message. */
export const ErrorBodySchema = v.object({ code: IdSchema, message: TextSchema });
export type ErrorBody = v.InferOutput<typeof ErrorBodySchema>;
