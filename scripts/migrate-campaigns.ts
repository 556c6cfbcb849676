/**
 * `npm run migrate-campaigns -- --config glyphoxa.yaml --tenant-id ID`: a self-hosted
 * install's campaign (its `campaign` section, the entity files it names and its `npcs`) into
 * a tenant of DATABASE_URL, through the same import as a campaign archive
 * (db/src/repos/campaign-archive.ts), made the tenant's current campaign. All or nothing.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createDb, getTenant, importCampaignArchive } from '@glyphoxa/db';
import { ConfigRefused, readSelfHostedConfig } from '../edge/src/campaign/self-hosted-config.ts';

const USAGE = `Usage: npm run migrate-campaigns -- --config FILE --tenant-id ID

Imports the campaign of a self-hosted glyphoxa.yaml (campaign.name, campaign.system,
campaign.entity_files, npcs) into tenant ID of the database at DATABASE_URL and makes it
the tenant's current campaign. Nothing is written unless the whole file is valid; the
config's server, providers, memory, mcp and transcript sections are not imported.

  --config FILE     the self-hosted config (entity files are relative to its folder)
  --tenant-id ID    the tenant to import into
  -h, --help        print this and exit`;

function fail(code: number, message: string): never {
  console.error(message);
  process.exit(code);
}

let args;
try {
  args = parseArgs({ options: { config: { type: 'string' }, 'tenant-id': { type: 'string' }, help: { type: 'boolean', short: 'h' } }, strict: true }).values;
} catch (error) {
  fail(2, `${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
}
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}
if (!args.config || !args['tenant-id']) fail(2, `--config and --tenant-id are required.\n\n${USAGE}`);
const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) fail(2, 'DATABASE_URL is not set: say which database holds the tenant (under `npm start`, the embedded one listens on PG_PORT).');

const configPath = resolve(args.config);
let configText: string;
try {
  configText = readFileSync(configPath, 'utf8');
} catch (error) {
  fail(1, `${args.config} cannot be read: ${error instanceof Error ? error.message : String(error)}`);
}

let campaign;
try {
  campaign = readSelfHostedConfig(configText, (path) => readFileSync(resolve(dirname(configPath), path), 'utf8'));
} catch (error) {
  if (!(error instanceof ConfigRefused)) throw error;
  fail(1, `${args.config} was not imported:\n${error.problems.map((p) => `  ${p}`).join('\n')}`);
}

const tenantId = args['tenant-id'];
const { db, close } = createDb(databaseUrl, { max: 1 });
try {
  if (!(await getTenant(db, tenantId).catch(() => null))) fail(1, `No tenant ${tenantId} in that database.`);
  const made = await importCampaignArchive(db, tenantId, campaign.content, { makeCurrent: true });
  if (!made) fail(1, `Tenant ${tenantId} already has a campaign named "${campaign.content.campaign.name}": nothing was imported.`);
  const { npcs, entities, relationships } = campaign.content;
  console.log(`Imported "${made.name}" (${made.id}) into ${tenantId}: ${npcs.length} NPCs, ${entities.length} entities, ${relationships.length} relationships; it is the tenant's current campaign.`);
  for (const note of campaign.notes) console.log(`note: ${note}`);
} finally {
  await close();
}
