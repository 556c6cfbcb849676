import { createHash } from 'node:crypto';
import type { Logger } from '@glyphoxa/protocol';
import { Client, Events, GatewayIntentBits } from 'discord.js';

/**
 * One discord.js gateway client per tenant bot on this node, shared by that tenant's
 * sessions: logged in when the first session needs it, destroyed when the last one
 * lets go, so a bot has no gateway session on a node that runs none of its sessions.
 * Keyed by a hash of the token: the token itself is never kept as a key or logged.
 */

export interface DiscordClientLease {
  client: Client<true>;
  /** The bot's key on this node (also the voice connection group, so two bots in one guild never collide). */
  key: string;
  /** Once per lease; the client is destroyed when no lease is left. */
  release(): Promise<void>;
}

export interface DiscordClientRegistry {
  /** Logs the bot in if no session holds it yet; rejects if the login fails. */
  acquire(botToken: string): Promise<DiscordClientLease>;
  /** Bots currently held. */
  readonly size: number;
}

export interface DiscordClientRegistryOptions {
  log: Logger;
  /** discord.js `rest.api`: the REST base URL, which also yields the gateway URL (tests use a stand-in). */
  restApi?: string;
}

interface Entry {
  client: Client;
  refs: number;
  ready: Promise<void>;
}

export function createDiscordClientRegistry(options: DiscordClientRegistryOptions): DiscordClientRegistry {
  const entries = new Map<string, Entry>();

  const destroy = async (key: string, entry: Entry) => {
    if (entries.get(key) === entry) entries.delete(key);
    // A login still under way finishes (or fails) before the client can be torn down cleanly.
    await entry.ready.catch(() => {});
    await entry.client.destroy();
    options.log.info('discord client released', { bot: key });
  };

  const open = (key: string, botToken: string): Entry => {
    const client = new Client({
      intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildVoiceStates],
      ...(options.restApi ? { rest: { api: options.restApi } } : {}),
    });
    const ready = new Promise<void>((resolve, reject) => {
      client.once(Events.ClientReady, () => resolve());
      client.login(botToken).catch(reject);
    });
    client.on(Events.Error, (error) => options.log.warn('discord client error', { bot: key, error: String(error) }));
    options.log.info('discord client logging in', { bot: key });
    return { client, refs: 0, ready };
  };

  return {
    async acquire(botToken) {
      const key = createHash('sha256').update(botToken).digest('hex').slice(0, 16);
      let entry = entries.get(key);
      if (!entry) {
        entry = open(key, botToken);
        entries.set(key, entry);
      }
      entry.refs += 1;
      const held = entry;
      try {
        await held.ready;
      } catch (error) {
        held.refs -= 1;
        if (held.refs === 0) await destroy(key, held);
        throw error;
      }
      let released = false;
      return {
        client: held.client as Client<true>,
        key,
        async release() {
          if (released) return;
          released = true;
          held.refs -= 1;
          if (held.refs === 0) await destroy(key, held);
        },
      };
    },
    get size() {
      return entries.size;
    },
  };
}
