import { Hono } from 'hono';
import { describeRoute, resolver } from 'hono-openapi';
import * as v from 'valibot';
import type { AppEnv } from '../../env.ts';
import { exportCampaign, importCampaign, importLimits } from '../../operations/campaign-archive.ts';
import { httpContext } from '../../operations/context.ts';
import { readBody } from '../../validation.ts';
import { CampaignViewSchema } from '../../views/campaign.ts';
import { TenantParamsSchema } from '../admin-schemas.ts';
import { CampaignParamsSchema } from './campaign-schemas.ts';
import { answers, input } from './contract.ts';

export const ARCHIVE_TYPES = /^application\/(gzip|x-gzip|x-tar|octet-stream)\s*(;|$)/i;

export const CampaignImportAnswer = v.object({
  campaign: CampaignViewSchema,
  report: v.object({ files: v.array(v.object({ file: v.string(), holds: v.string() })) }),
});

const gzipBody = { content: { 'application/gzip': { schema: { type: 'string' as const, format: 'binary' } } } };

/** A campaign to and from `campaign-export.tar.gz`, over operations/campaign-archive.ts. */
export function campaignArchiveRoutes() {
  return new Hono<AppEnv>()
    .get(
      '/tenants/:id/campaigns/:campaignId/export',
      describeRoute({ summary: 'Export a campaign as campaign-export.tar.gz', security: [{ bearer: [] }], responses: { 200: { description: 'The archive, streamed', ...gzipBody } } }),
      input('param', CampaignParamsSchema),
      async (c) => {
        const { id, campaignId } = c.req.valid('param');
        const { archive } = await exportCampaign(httpContext(c), c.var.principal, id, campaignId);
        return c.body(archive, 200, { 'content-type': 'application/gzip', 'content-disposition': 'attachment; filename="campaign-export.tar.gz"', 'cache-control': 'no-store' });
      },
    )
    .post(
      '/tenants/:id/campaigns/import',
      answers('Import a campaign from an archive (new ids, all or nothing)', 201, CampaignImportAnswer),
      describeRoute({ requestBody: { required: true, ...gzipBody }, responses: { 201: { description: 'The campaign made and what each file held', content: { 'application/json': { schema: resolver(CampaignImportAnswer) } } } } }),
      input('param', TenantParamsSchema),
      async (c) => {
        if (!ARCHIVE_TYPES.test(c.req.header('content-type') ?? '')) {
          return c.json({ error: { code: 'unsupported_media_type', message: 'Send the archive as the body (Content-Type: application/gzip)' } }, 415);
        }
        const bytes = await readBody(c, importLimits(c.env).maxBytes);
        return c.json(await importCampaign(httpContext(c), c.var.principal, c.req.valid('param').id, bytes), 201);
      },
    );
}
