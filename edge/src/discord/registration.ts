import { recordCommandRegistration, type Tenant } from '@glyphoxa/db';
import type { Bindings } from '../env.ts';
import type { OperationContext } from '../operations/context.ts';
import { tenantBotToken } from './bot-token.ts';
import { registrationPayload } from './registry.ts';
import { discordRest } from './rest.ts';

/** Where a tenant's commands live: its application, in its guilds, reached with its bot token. */
interface CommandTarget {
  applicationId: string;
  botToken: string;
  guildIds: readonly string[];
}

/**
 * Brings Discord in line with a tenant that was created (`before` null),
 * changed, or deleted (`after` null), after the response: guilds it left, or an
 * application it replaced, lose the commands; every current guild gets the full
 * set. Each tenant's sync runs on its own, so one's failure never holds up
 * another's; the outcome is recorded on the tenant.
 */
export function syncCommandsLater(c: Pick<OperationContext, 'env' | 'db' | 'log' | 'waitUntil'>, before: Tenant | null, after: Tenant | null): void {
  const tenantId = (after ?? before)?.id;
  const log = c.log.with({ tenant_id: tenantId, component: 'command-registration' });
  const work = async () => {
    const [from, to] = await Promise.all([commandTarget(c.env, before), commandTarget(c.env, after)]);
    if (!from && !to) return;
    const failures = await syncCommands(c.env.DISCORD_API_BASE, from, to);
    for (const failure of failures) log.warn('command registration failed', { failure });
    if (!after) return;
    // Without an application and bot token there is nothing registered to report.
    const registered = to && failures.length === 0;
    await recordCommandRegistration(c.db(), after.id, {
      registeredAt: registered ? new Date() : to ? undefined : null,
      error: failures.length > 0 ? failures.join('; ') : null,
    });
  };
  c.waitUntil(
    work().catch(async (error) => {
      log.error('command registration failed', { error: String(error) });
      if (after) await recordCommandRegistration(c.db(), after.id, { error: 'Registration could not run; see the logs' }).catch(() => {});
    }),
  );
}

async function commandTarget(env: Bindings, tenant: Tenant | null): Promise<CommandTarget | null> {
  if (!tenant?.discordApplicationId) return null;
  const botToken = await tenantBotToken(env.SECRET_KEYS, tenant);
  return botToken ? { applicationId: tenant.discordApplicationId, botToken, guildIds: tenant.guildIds } : null;
}

/** One request per guild, all settled; returns what failed, per guild. */
async function syncCommands(baseUrl: string | undefined, from: CommandTarget | null, to: CommandTarget | null): Promise<string[]> {
  const stale = from ? from.guildIds.filter((g) => !to || to.applicationId !== from.applicationId || !to.guildIds.includes(g)) : [];
  const clearing = from ? discordRest({ baseUrl, botToken: from.botToken }) : null;
  const registering = to ? discordRest({ baseUrl, botToken: to.botToken }) : null;
  const payload = registrationPayload();
  const jobs = [
    ...stale.map((guild) => ({ guild, verb: 'removing', run: () => clearing!.putGuildCommands(from!.applicationId, guild, []) })),
    ...(to?.guildIds ?? []).map((guild) => ({ guild, verb: 'registering', run: () => registering!.putGuildCommands(to!.applicationId, guild, payload) })),
  ];
  const results = await Promise.allSettled(jobs.map((job) => job.run()));
  return results.flatMap((result, i) =>
    result.status === 'rejected' ? [`guild ${jobs[i]!.guild} (${jobs[i]!.verb}): ${result.reason instanceof Error ? result.reason.message : String(result.reason)}`] : [],
  );
}
