import { exports } from 'cloudflare:workers';
import { DISCORD_STAND_IN_BASE, type RecordedCall } from '../discord-stand-in.ts';
import { admin, snowflake, uniqueTenantId } from './admin.ts';

const STAND_IN_CONTROL = DISCORD_STAND_IN_BASE.replace('/api/v10', '/__stand-in');

/** A Discord application's signing key pair, as Discord holds one for each tenant's bot. */
export interface AppKeys {
  privateKey: CryptoKey;
  publicKeyHex: string;
}

export async function appKeys(): Promise<AppKeys> {
  const pair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify'])) as CryptoKeyPair;
  const raw = new Uint8Array((await crypto.subtle.exportKey('raw', pair.publicKey)) as ArrayBuffer);
  return { privateKey: pair.privateKey, publicKeyHex: toHex(raw) };
}

const toHex = (bytes: Uint8Array) => [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');

export interface DiscordTenant {
  id: string;
  keys: AppKeys;
  applicationId: string;
  guildId: string;
  botToken: string;
}

/**
 * A tenant with its own Discord application, bot and one guild; the public key
 * is set afterwards, the way an operator would.
 */
export async function discordTenant(fields: Record<string, unknown> = {}): Promise<DiscordTenant> {
  const id = uniqueTenantId('d');
  const keys = await appKeys();
  const applicationId = snowflake();
  const guildId = snowflake();
  const botToken = `bot-${crypto.randomUUID()}`;
  const created = await admin('POST', '/tenants', { id, discord_application_id: applicationId, bot_token: botToken, guild_ids: [guildId], ...fields });
  if (created.status !== 201) throw new Error(`tenant not created: ${JSON.stringify(created.body)}`);
  const updated = await admin('PUT', `/tenants/${id}`, { discord_public_key: keys.publicKeyHex });
  if (updated.status !== 200) throw new Error(`public key not set: ${JSON.stringify(updated.body)}`);
  // Registration runs after the response; a test that ended under it would cut it off mid-write.
  await commandRegistration(id, (r) => r.registered_at !== null);
  return { id, keys, applicationId, guildId, botToken };
}

export interface CommandRegistration {
  registered_at: string | null;
  error: string | null;
}

/** Polls the tenant until its last command registration satisfies `until`. */
export async function commandRegistration(tenantId: string, until: (r: CommandRegistration) => boolean): Promise<CommandRegistration> {
  for (let i = 0; i < 100; i++) {
    const res = await admin('GET', `/tenants/${tenantId}`);
    const result = res.body.tenant.command_registration as CommandRegistration;
    if (until(result)) return result;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`command registration of ${tenantId} never settled`);
}

/** Signs like Discord: Ed25519 over timestamp + body. `tamper` changes the body after signing. */
export async function postInteraction(
  tenantId: string,
  privateKey: CryptoKey,
  body: unknown,
  options: { timestamp?: number; tamper?: (body: string) => string; unsigned?: boolean } = {},
) {
  const text = JSON.stringify(body);
  const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
  const signature = new Uint8Array(await crypto.subtle.sign('Ed25519', privateKey, new TextEncoder().encode(timestamp + text)));
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (!options.unsigned) Object.assign(headers, { 'x-signature-ed25519': toHex(signature), 'x-signature-timestamp': timestamp });
  const res = await exports.default.fetch(`http://edge.test/discord/${tenantId}/interactions`, {
    method: 'POST',
    headers,
    body: options.tamper ? options.tamper(text) : text,
  });
  const answer = await res.text();
  return { status: res.status, body: (answer ? JSON.parse(answer) : null) as any };
}

/** An uploaded file as Discord resolves it into an interaction. */
export interface UploadedFile {
  id: string;
  filename: string;
  size: number;
  url: string;
  content_type: string;
}

export interface Invocation {
  type?: number;
  subcommand?: string;
  options?: Array<{ name: string; type: number; value: string; focused?: boolean }>;
  /** Sent as the `attachment` option, resolved the way Discord does. */
  attachment?: UploadedFile;
  roles?: string[];
  userId?: string;
}

/** An application-command interaction as Discord sends it (the fields that matter, plus a few that do not). */
export function interaction(t: DiscordTenant, command: string, invocation: Invocation = {}) {
  const file = invocation.attachment;
  const given = [...(invocation.options ?? []), ...(file ? [{ name: 'attachment', type: 11, value: file.id }] : [])];
  const options = invocation.subcommand ? [{ name: invocation.subcommand, type: 1, options: given }] : given;
  const resolved = file ? { resolved: { attachments: { [file.id]: { ...file, proxy_url: file.url, ephemeral: true } } } } : {};
  return {
    id: snowflake(),
    application_id: t.applicationId,
    type: invocation.type ?? 2,
    token: `itoken-${crypto.randomUUID()}`,
    version: 1,
    guild_id: t.guildId,
    channel_id: snowflake(),
    locale: 'en-US',
    member: { user: { id: invocation.userId ?? '100000000000000001', username: 'dm' }, roles: invocation.roles ?? [], permissions: '0' },
    data: { id: snowflake(), name: command, type: 1, options, ...resolved },
  };
}

/** Sends a command signed with the tenant's key. */
export async function runCommand(t: DiscordTenant, command: string, invocation: Invocation = {}) {
  const body = interaction(t, command, invocation);
  const res = await postInteraction(t.id, t.keys.privateKey, body);
  return { ...res, token: body.token };
}

/** A filled-in modal as Discord sends it back: one text input per action row. */
export async function submitModal(t: DiscordTenant, customId: string, values: Record<string, string>, userId = '100000000000000001', roles: string[] = []) {
  const body = {
    ...interaction(t, '', { type: 5, userId, roles }),
    data: { custom_id: customId, components: Object.entries(values).map(([id, value]) => ({ type: 1, components: [{ type: 4, custom_id: id, value }] })) },
  };
  const res = await postInteraction(t.id, t.keys.privateKey, body);
  return { ...res, token: body.token };
}

/** A click on a button of one of the bot's (ephemeral) messages. */
export async function pressButton(t: DiscordTenant, customId: string, invocation: Pick<Invocation, 'roles' | 'userId'> = {}) {
  const body = {
    ...interaction(t, '', { type: 3, ...invocation }),
    message: { id: snowflake(), channel_id: snowflake(), content: '', flags: 64, components: [] },
    data: { custom_id: customId, component_type: 2 },
  };
  const res = await postInteraction(t.id, t.keys.privateKey, body);
  return { ...res, token: body.token };
}

/** Puts a file on the stand-in's CDN, as a Discord user's upload. */
export async function uploadAttachment(filename: string, content: string, repeat = 1): Promise<UploadedFile> {
  const res = await fetch(`${STAND_IN_CONTROL}/attachments/${filename}`, { method: 'PUT', body: JSON.stringify({ content, repeat }) });
  return (await res.json()) as UploadedFile;
}

export async function standInCalls(): Promise<RecordedCall[]> {
  const res = await fetch(`${STAND_IN_CONTROL}/calls`);
  return ((await res.json()) as { calls: RecordedCall[] }).calls;
}

/** Polls the stand-in until `match` finds a call, within `timeoutMs`. */
export async function waitForCall(match: (call: RecordedCall) => boolean, timeoutMs = 5000): Promise<RecordedCall> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = (await standInCalls()).find(match);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no matching Discord call within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The text a deferred command edited into its response. */
export async function editedReply(interactionToken: string, timeoutMs = 5000): Promise<string> {
  return (await editedMessage(interactionToken, timeoutMs)).content;
}

export interface EditedMessage {
  content: string;
  embeds: Array<{ title?: string; description?: string; footer?: { text: string }; fields?: Array<{ name: string; value: string }>; timestamp?: string }>;
  components: Array<{ type: number; components: Array<{ type: number; custom_id: string; label: string; style: number; disabled: boolean }> }>;
}

/** The whole message a deferred command (or button) edited in: text, embeds and buttons. */
export async function editedMessage(interactionToken: string, timeoutMs = 5000): Promise<EditedMessage> {
  const call = await waitForCall((c) => c.method === 'PATCH' && c.path.includes(`/${interactionToken}/`), timeoutMs);
  return call.body as EditedMessage;
}

export async function setVoiceState(guildId: string, userId: string, channelId: string | null): Promise<void> {
  await fetch(`${STAND_IN_CONTROL}/voice-states/${guildId}/${userId}`, { method: 'PUT', body: JSON.stringify({ channel_id: channelId }) });
}

export async function denyGuild(guildId: string): Promise<void> {
  await fetch(`${STAND_IN_CONTROL}/missing-access/${guildId}`, { method: 'PUT' });
}

export async function registeredCommands(applicationId: string, guildId: string): Promise<Array<{ name: string }> | null> {
  const res = await fetch(`${STAND_IN_CONTROL}/commands/${applicationId}/${guildId}`);
  return ((await res.json()) as { commands: Array<{ name: string }> | null }).commands;
}
