import type { McpServer } from '@glyphoxa/db';
import { openSecret, sealSecret } from './cipher.ts';
import { loadKeyring } from './keyring.ts';

/** Bound into each sealed header value: it opens for this tenant, server and header only. */
const context = (tenantId: string, server: string, header: string) => `tenant:${tenantId}:mcp-server:${server}:header:${header}`;

/** Header values sealed one by one (the names stay readable: the dashboard lists them). */
export async function sealHeaders(secretKeys: string, tenantId: string, server: string, headers: Record<string, string>): Promise<Record<string, string>> {
  const keyring = await loadKeyring(secretKeys);
  const sealed: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) sealed[name] = await sealSecret(keyring, value, context(tenantId, server, name));
  return sealed;
}

/** The server's headers opened, for one call to it at once: the result holds plaintext. */
export async function openHeaders(secretKeys: string, server: McpServer): Promise<Record<string, string>> {
  const entries = Object.entries(server.headersEnc);
  if (entries.length === 0) return {};
  const keyring = await loadKeyring(secretKeys);
  const opened: Record<string, string> = {};
  for (const [name, sealed] of entries) opened[name] = await openSecret(keyring, sealed, context(server.tenantId, server.name, name));
  return opened;
}
