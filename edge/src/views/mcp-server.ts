import type { McpServer } from '@glyphoxa/db';
import * as v from 'valibot';

/** A tenant's tool server on the wire: header names with their values withheld (null), never the values. */
export const McpServerViewSchema = v.object({
  name: v.string(),
  url: v.string(),
  headers: v.record(v.string(), v.null()),
  allowed_tools: v.array(v.string()),
  timeout_ms: v.number(),
  created_at: v.string(),
  updated_at: v.string(),
});
export type McpServerView = v.InferOutput<typeof McpServerViewSchema>;

export function viewMcpServer(s: McpServer): McpServerView {
  return {
    name: s.name,
    url: s.url,
    headers: Object.fromEntries(Object.keys(s.headersEnc).map((h) => [h, null])),
    allowed_tools: s.allowedTools,
    timeout_ms: s.timeoutMs,
    created_at: s.createdAt.toISOString(),
    updated_at: s.updatedAt.toISOString(),
  };
}
