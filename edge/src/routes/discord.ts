import { Hono } from 'hono';
import { Callback, EPHEMERAL, InteractionKind } from '../discord/api-constants.ts';
import { dispatch } from '../discord/dispatch.ts';
import { coordinatorOf } from '../durable/stubs.ts';
import { InteractionSchema } from '../discord/interaction.ts';
import { ApiError } from '../errors.ts';
import { discordSignature, type DiscordEnv } from '../middleware/discord-signature.ts';
import { readJson } from '../validation.ts';

/** The answer to an interaction that already ran: said to the user, not run twice. */
const alreadyHandled = { type: Callback.Message, data: { content: 'That was already received; it is not run twice.', flags: EPHEMERAL } } as const;

/** Discord's signed HTTP interactions, one endpoint per tenant's application. */
export function discordRoutes() {
  const app = new Hono<DiscordEnv>();

  app.post('/:tenantId/interactions', discordSignature, async (c) => {
    const interaction = await readJson(c, InteractionSchema);
    // The key verified who signed; the application says for whom. Another application's interaction is not this tenant's.
    if (interaction.application_id !== c.var.tenant.discordApplicationId) {
      throw new ApiError(403, 'wrong_application', `application_id: ${interaction.application_id} is not tenant ${c.var.tenant.id}'s Discord application`, 'application_id');
    }
    // A ping or an autocomplete changes nothing; anything else runs once per interaction id.
    const once = interaction.type !== InteractionKind.Ping && interaction.type !== InteractionKind.Autocomplete;
    if (once && !(await coordinatorOf(c.env, c.var.tenant.id).claimInteraction(interaction.id))) {
      c.var.log.warn('interaction repeated; not run again', { interaction_id: interaction.id });
      return c.json(alreadyHandled);
    }
    const response = await dispatch(
      { tenant: c.var.tenant, env: c.env, log: c.var.log, db: c.var.db, waitUntil: (work) => c.executionCtx.waitUntil(work) },
      interaction,
    );
    return c.json(response);
  });

  return app;
}
