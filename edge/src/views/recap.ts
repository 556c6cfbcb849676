import { recapSource } from '@glyphoxa/db';
import * as v from 'valibot';
import type { SessionRecap } from '../recap/session-recap.ts';

/** A session's recap on the wire: written by the tenant's LLM, or the transcript's key lines (one a line). */
export const RecapViewSchema = v.object({
  session_id: v.string(),
  campaign_name: v.nullable(v.string()),
  text: v.string(),
  source: v.picklist(recapSource.enumValues),
  /** The tenant's LLM did not answer, so these are the key lines, not kept: asking again tries the LLM again. */
  llm_failed: v.boolean(),
});

export function viewRecap(r: SessionRecap): v.InferOutput<typeof RecapViewSchema> {
  return { session_id: r.sessionId, campaign_name: r.campaignName, text: r.text, source: r.source, llm_failed: r.llmFailed };
}
