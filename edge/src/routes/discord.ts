import { Hono } from 'hono';
import { dispatch } from '../discord/dispatch.ts';
import { InteractionSchema } from '../discord/interaction.ts';
import { ApiError } from '../errors.ts';
import { discordSignature, type DiscordEnv } from '../middleware/discord-signature.ts';
import { readJson } from '../validation.ts';

/** Discord's signed HTTP interactions, one endpoint per tenant's application. */
export function discordRoutes() {
  const app = new Hono<DiscordEnv>();

  app.post('/:tenantId/interactions', discordSignature, async (c) => {
    const interaction = await readJson(c, InteractionSchema);
    // The key verified who signed; the application says for whom. Another application's interaction is not this tenant's.
    if (interaction.application_id !== c.var.tenant.discordApplicationId) {
      throw new ApiError(403, 'wrong_application', `application_id: ${interaction.application_id} is not tenant ${c.var.tenant.id}'s Discord application`, 'application_id');
    }
    const response = await dispatch(
      { tenant: c.var.tenant, env: c.env, log: c.var.log, db: c.var.db, waitUntil: (work) => c.executionCtx.waitUntil(work) },
      interaction,
    );
    return c.json(response);
  });

  return app;
}
