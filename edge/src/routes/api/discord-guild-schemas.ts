import * as v from 'valibot';
import { TenantIdSchema } from '../admin-schemas.ts';

/** `/tenants/:id/discord/guilds/:guildId/…` */
export const GuildParamsSchema = v.object({ id: TenantIdSchema, guildId: v.pipe(v.string(), v.regex(/^\d{15,21}$/, 'must be a Discord id (digits)')) });

export const GuildsAnswer = v.object({ guilds: v.array(v.object({ id: v.string(), name: v.string(), icon: v.nullable(v.string()) })) });
export const VoiceChannelsAnswer = v.object({ channels: v.array(v.object({ id: v.string(), name: v.string(), type: v.picklist(['voice', 'stage']) })) });
