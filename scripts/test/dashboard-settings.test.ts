import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectPageErrors, screenshotEachWidth, seriousViolations } from '../lib/dashboard-page.ts';
import { SHOTS, snowflake, startDashboardSystem, type DashboardSystem } from '../lib/dashboard-system.ts';
import { LORE_TOKEN, startToolServers, type ToolServerStandIn } from '../../edge/test/tool-server-stand-in.ts';

/**
 * A team's settings screens in real Chromium against the real system (scripts/lib/dashboard-system.ts),
 * each checked with axe-core and pictured, desktop and phone, into docs/screenshots/.
 */

let system: DashboardSystem;
/** A team's MCP tool server (the SDK's own server class) on 127.0.0.1, which the dashboard's Worker may call (MCP_ALLOW_PRIVATE_URLS, scripts/lib/dashboard-system.ts). */
let toolServers: ToolServerStandIn;

beforeAll(async () => {
  toolServers = await startToolServers();
  system = await startDashboardSystem();
  // Starting wrangler and Chromium takes minutes on a loaded machine.
}, 300_000);

afterAll(async () => {
  await system?.stop();
  await toolServers?.close();
});

/** Signs in a new owner of a team of their own and opens that team's campaigns; the team's id. */
async function ownTeam(page: Page, name: string): Promise<string> {
  await system.signInLocally(page, name);
  await page.getByRole('link', { name: /^Campaigns of / }).click();
  await page.getByRole('heading', { name: 'Campaigns', exact: true }).waitFor();
  return new URL(page.url()).pathname.split('/')[2]!;
}

/** A tab with cookies of its own: signing in there leaves the other tabs' user signed in. */
async function pageInOwnBrowser() {
  const context = await system.browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  return { page, errors: collectPageErrors(page) };
}

/** A call to the team's API with an API key, as a program would make it. */
const withKey = (key: string, tenant: string) => fetch(`${system.edgeUrl}/api/v1/tenants/${tenant}/campaigns`, { headers: { authorization: `Bearer ${key}` } });

describe('the settings screens in Chromium', () => {
  it('lets an owner create an API key, shown once, that works until it is revoked, and read both in the audit log, filtered; a viewer sees neither screen nor their links', async () => {
    const { page, errors } = await system.newPage();
    const tenant = await ownTeam(page, 'Ash the Owner');
    await page.getByRole('navigation').getByRole('link', { name: 'API keys' }).click();
    await page.getByRole('heading', { name: 'API keys', exact: true }).waitFor();
    await page.getByText('No API keys yet').waitFor();

    // The edge checks the body; its words land beside the field they name.
    const form = page.getByRole('form', { name: 'Create API key' });
    await form.getByRole('button', { name: 'Create API key' }).click();
    await form.getByText('Name must not be empty').waitFor();
    expect(await form.getByLabel('Name').getAttribute('aria-invalid')).toBe('true');

    await form.getByLabel('Name').fill('Foundry VTT');
    await form.getByRole('checkbox', { name: /^sessions/ }).check();
    await form.getByRole('button', { name: 'Create API key' }).click();
    const key = await page.getByLabel('New API key').innerText();
    expect(key).toMatch(new RegExp(`^gx_live_${tenant}\\.key_[0-9a-f]{12}\\.`));
    const row = page.getByRole('list', { name: 'API keys' }).getByRole('listitem').filter({ hasText: 'Foundry VTT' });
    await row.getByText(/^read, sessions · created .* · last used never · expires never$/).waitFor();
    // Only the key's last 4 characters are listed: enough to tell keys apart.
    await row.getByText(`${key.split('.')[1]} · ends in ${key.slice(-4)}`).waitFor();
    expect(await form.getByLabel('Name').inputValue()).toBe('');
    expect(await seriousViolations(page)).toEqual([]);
    await screenshotEachWidth(page, SHOTS, 'api-keys');

    expect((await withKey(key, tenant)).status).toBe(200);
    // The edge keeps only a hash: after a reload the key is listed, never shown.
    await page.reload();
    await row.waitFor();
    expect(await page.getByLabel('New API key').count()).toBe(0);
    expect(await page.content()).not.toContain(key);

    await row.getByRole('button', { name: 'Delete the key Foundry VTT' }).click();
    await row.getByRole('button', { name: 'Yes, delete the key Foundry VTT' }).click();
    await page.getByText('No API keys yet').waitFor();
    expect((await withKey(key, tenant)).status).toBe(401);

    // The audit log has both changes, newest first; a filter narrows it through the URL, which a reload keeps.
    await page.getByRole('navigation').getByRole('link', { name: 'Audit log' }).click();
    await page.getByRole('heading', { name: 'Audit log', exact: true }).waitFor();
    const actions = () => page.getByRole('table').locator('tbody tr td:nth-child(2)').allInnerTexts();
    await page.getByRole('cell', { name: 'api_key.revoke' }).waitFor();
    expect((await actions()).slice(0, 2)).toEqual(['api_key.revoke', 'api_key.create']);
    await page.getByLabel('Action').fill('api_key.create');
    await page.getByRole('button', { name: 'Filter', exact: true }).click();
    await page.waitForURL((url) => url.searchParams.get('action') === 'api_key.create');
    await page.reload();
    await page.getByRole('button', { name: 'Clear filters' }).waitFor();
    expect(await actions()).toEqual(['api_key.create']);
    expect(await page.getByLabel('Action').inputValue()).toBe('api_key.create');
    await page.getByRole('row').filter({ hasText: 'api_key.create' }).getByText('Details').click();
    await page.getByText('"name": "Foundry VTT"').waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await screenshotEachWidth(page, SHOTS, 'audit-log');
    await page.getByLabel('Actor').fill('user:nobody');
    await page.getByRole('button', { name: 'Filter', exact: true }).click();
    await page.getByText('No entry matches').waitFor();
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.getByRole('cell', { name: 'api_key.revoke' }).waitFor();
    // The one failed request is the nameless key: the edge, not the browser, checked it.
    expect(errors).toEqual(['Failed to load resource: the server responded with a status of 400 (Bad Request)']);

    // A viewer of the team has no link to the screen, and the screen itself says who may use it.
    const viewer = await system.newPage();
    const viewerId = await system.signInLocally(viewer.page, 'Bryn the Viewer');
    await system.addMember(tenant, viewerId, 'viewer');
    await viewer.page.goto(`${system.edgeUrl}/teams/${tenant}/campaigns`);
    await viewer.page.getByRole('heading', { name: 'Campaigns', exact: true }).waitFor();
    expect(await viewer.page.getByRole('navigation').getByRole('link', { name: 'API keys' }).count()).toBe(0);
    await viewer.page.goto(`${system.edgeUrl}/teams/${tenant}/settings/api-keys`);
    await viewer.page.getByText("Only the team's owners manage its API keys").waitFor();
    expect(await viewer.page.getByRole('form', { name: 'Create API key' }).count()).toBe(0);
    await viewer.page.goto(`${system.edgeUrl}/teams/${tenant}/settings/audit`);
    await viewer.page.getByText("Only the team's owners read its audit log").waitFor();
    expect(await viewer.page.getByRole('table').count()).toBe(0);
    expect(viewer.errors).toEqual([]);
  });

  it("lets an owner add a tool server with a secret header, list its tools through the edge, edit it keeping the secret, and delete it; a viewer only reads", async () => {
    const { page, errors } = await system.newPage();
    const tenant = await ownTeam(page, 'Gale the Owner');
    await page.getByRole('navigation').getByRole('link', { name: 'Tool servers' }).click();
    await page.getByRole('heading', { name: 'Tool servers', exact: true }).waitFor();
    await page.getByText('No tool servers yet').waitFor();

    // The edge checks the body; its words land beside the field they name.
    const form = page.getByRole('form', { name: 'Add tool server' });
    await form.getByLabel('Name').fill('lorekeeper');
    await form.getByLabel('URL').fill('not a url');
    await form.getByRole('button', { name: 'Add tool server' }).click();
    await form.getByText('URL must be a URL').waitFor();

    await form.getByLabel('URL').fill(`${toolServers.origin}/lore/mcp`);
    await form.getByLabel('Allowed tools').fill('search\nsealed_vault');
    await form.getByLabel('Timeout (ms)').fill('2000');
    await form.getByRole('button', { name: 'Add header' }).click();
    await form.getByLabel('Header 1 name').fill('Authorization');
    await form.getByLabel('Header 1 value').fill(`Bearer ${LORE_TOKEN}`);
    await form.getByRole('button', { name: 'Add tool server' }).click();
    const row = page.getByRole('listitem', { name: 'Tool server lorekeeper' });
    await row.getByText('Allowed: search, sealed_vault · timeout 2000 ms · headers: authorization (stored)').waitFor();
    expect(await form.getByLabel('Name').inputValue()).toBe('');

    // Listing its tools goes through the edge, the sealed header opened there.
    await row.getByRole('button', { name: 'List tools of lorekeeper' }).click();
    const offered = row.getByRole('list', { name: 'Tools of lorekeeper' });
    await offered.getByText('wipe_archive').waitFor();
    expect(await offered.getByRole('listitem').allInnerTexts()).toEqual([
      expect.stringMatching(/^search\s+allowed\s+Search the lorekeeper archive\.$/),
      expect.stringMatching(/^dump\s+not allowed/),
      expect.stringMatching(/^wipe_archive\s+not allowed/),
      expect.stringMatching(/^sealed_vault\s+allowed/),
    ]);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshotEachWidth(page, SHOTS, 'tool-servers');

    // The value never comes back to the browser; editing leaves it empty and so keeps it.
    await page.reload();
    await row.waitFor();
    expect(await page.content()).not.toContain(LORE_TOKEN);
    await row.getByRole('button', { name: 'Edit lorekeeper' }).click();
    const edit = row.getByRole('form', { name: 'Edit tool server lorekeeper' });
    expect(await edit.getByLabel('Header 1 value').inputValue()).toBe('');
    await edit.getByLabel('Allowed tools').fill('search\ndump');
    await edit.getByRole('button', { name: 'Save tool server' }).click();
    await row.getByText('Allowed: search, dump · timeout 2000 ms · headers: authorization (stored)').waitFor();
    await row.getByRole('button', { name: 'List tools of lorekeeper' }).click();
    await offered.getByRole('listitem').filter({ hasText: /^dump/ }).getByText('allowed', { exact: true }).waitFor();

    // Without the header the server refuses, and the screen says what it answered.
    await row.getByRole('button', { name: 'Edit lorekeeper' }).click();
    await edit.getByRole('button', { name: 'Remove header 1' }).click();
    await edit.getByRole('button', { name: 'Save tool server' }).click();
    await row.getByText(/headers: none$/).waitFor();
    await row.getByRole('button', { name: 'List tools of lorekeeper' }).click();
    await row.getByText('lorekeeper answered HTTP 401').waitFor();

    // A viewer reads the list, with no control.
    const viewer = await pageInOwnBrowser();
    const viewerId = await system.signInLocally(viewer.page, 'Hale the Viewer');
    await system.addMember(tenant, viewerId, 'viewer');
    await viewer.page.goto(`${system.edgeUrl}/teams/${tenant}/settings/tool-servers`);
    await viewer.page.getByRole('listitem', { name: 'Tool server lorekeeper' }).waitFor();
    await viewer.page.getByText("Only the team's owners add, change and test tool servers.").waitFor();
    expect(await viewer.page.getByRole('button').filter({ hasText: /lorekeeper/ }).count()).toBe(0);
    expect(await viewer.page.getByRole('form').count()).toBe(0);
    expect(viewer.errors).toEqual([]);

    await row.getByRole('button', { name: 'Delete the tool server lorekeeper' }).click();
    await row.getByRole('button', { name: 'Yes, delete the tool server lorekeeper' }).click();
    await page.getByText('No tool servers yet').waitFor();
    // The failed requests are the refusals above: the bad URL and the server without its key.
    expect(errors).toEqual([400, 502].map((status) => expect.stringContaining(`status of ${status}`)));
  });

  it("lets a DM add a tool server, give an NPC one of its tools, and find it kept after a reload; a removed server's entry stays, marked, until unticked", async () => {
    const { page, errors } = await system.newPage();
    const tenant = await ownTeam(page, 'Iris the DM');

    await page.getByRole('navigation').getByRole('link', { name: 'Tool servers' }).click();
    const server = page.getByRole('form', { name: 'Add tool server' });
    await server.getByLabel('Name').fill('lorekeeper');
    await server.getByLabel('URL').fill(`${toolServers.origin}/lore/mcp`);
    await server.getByLabel('Allowed tools').fill('search\ndump');
    await server.getByRole('button', { name: 'Add tool server' }).click();
    await page.getByRole('listitem', { name: 'Tool server lorekeeper' }).waitFor();

    await page.getByRole('navigation').getByRole('link', { name: 'Campaigns' }).click();
    const campaign = page.getByRole('form', { name: 'Create campaign' });
    await campaign.getByLabel('Name').fill('The Drowned Library');
    await campaign.getByRole('button', { name: 'Create campaign' }).click();
    await page.getByRole('link', { name: /The Drowned Library/ }).click();
    await page.getByRole('heading', { name: 'The Drowned Library' }).waitFor();
    await page.getByRole('link', { name: 'New NPC' }).click();
    await page.getByRole('heading', { name: 'New NPC in The Drowned Library' }).waitFor();
    await page.getByLabel('Name', { exact: true }).fill('Quill the Archivist');
    await page.getByLabel('Voice provider').fill('espeak');
    await page.getByLabel('Voice ID').fill('en');
    await page.getByRole('button', { name: 'Save NPC' }).click();
    await page.getByRole('list', { name: 'NPCs' }).getByRole('link', { name: /Quill the Archivist/ }).click();
    await page.getByRole('heading', { name: 'Quill the Archivist' }).waitFor();

    // Each server is a group of its own, named by the server: all its allowed tools, or each by name.
    const lorekeeper = page.getByRole('group', { name: 'Tools' }).getByRole('group', { name: 'lorekeeper' });
    expect(await lorekeeper.getByRole('checkbox').evaluateAll((boxes) => boxes.map((b) => (b as HTMLInputElement).value))).toEqual(['lorekeeper.*', 'lorekeeper.search', 'lorekeeper.dump']);
    await lorekeeper.getByLabel('search').check();
    await page.getByRole('button', { name: 'Save NPC' }).click();
    await page.getByText('Saved.', { exact: false }).waitFor();

    await page.reload();
    await lorekeeper.waitFor();
    expect(await lorekeeper.getByLabel('search').isChecked()).toBe(true);
    expect(await lorekeeper.getByLabel('All its allowed tools').isChecked()).toBe(false);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshotEachWidth(page, SHOTS, 'npc-tool-servers');

    // The server goes; the NPC keeps its entry, marked, and loses it only when the DM unticks it.
    const npcUrl = page.url();
    await page.goto(`${system.edgeUrl}/teams/${tenant}/settings/tool-servers`);
    const row = page.getByRole('listitem', { name: 'Tool server lorekeeper' });
    await row.getByRole('button', { name: 'Delete the tool server lorekeeper' }).click();
    await row.getByRole('button', { name: 'Yes, delete the tool server lorekeeper' }).click();
    await page.getByText('No tool servers yet').waitFor();
    await page.goto(npcUrl);
    const stale = page.getByRole('group', { name: 'No longer offered' });
    const entry = stale.getByLabel('lorekeeper.search (tool server lorekeeper was removed)');
    expect(await entry.isChecked()).toBe(true);
    await entry.uncheck();
    await page.getByRole('button', { name: 'Save NPC' }).click();
    await page.getByText('Saved.', { exact: false }).waitFor();
    await page.reload();
    await page.getByRole('heading', { name: 'Quill the Archivist' }).waitFor();
    await page.getByText('The team has no tool servers of its own', { exact: false }).waitFor();
    expect(await page.getByRole('group', { name: 'No longer offered' }).count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it('lets an owner invite by email, withdraw it, change a member\'s role and remove them, never demoting the last owner; members see the team, not its controls', async () => {
    const { page, errors } = await system.newPage();
    const tenant = await ownTeam(page, 'Cato the Owner');
    await page.getByRole('navigation').getByRole('link', { name: 'Team' }).click();
    await page.getByRole('heading', { name: 'Team', exact: true }).waitFor();
    const members = page.getByRole('list', { name: 'Members' });
    expect(await members.getByRole('combobox', { name: 'Role of Cato the Owner' }).inputValue()).toBe('tenant_owner');

    // The edge checks the address; its words land beside the field.
    const form = page.getByRole('form', { name: 'Invite' });
    await form.getByLabel('Email or Discord id').fill('not-an-email');
    await form.getByRole('button', { name: 'Send invite' }).click();
    await form.getByText('Email or Discord id must be an email address').waitFor();
    await form.getByLabel('Email or Discord id').fill('quill@example.com');
    await form.getByLabel('Role').selectOption('viewer');
    await form.getByRole('button', { name: 'Send invite' }).click();
    const invite = page.getByRole('list', { name: 'Pending invites' }).getByRole('listitem').filter({ hasText: 'quill@example.com' });
    await invite.getByText('Viewer').waitFor();

    // A member joins (as a viewer), signed in in a browser of their own; the owner makes them a DM.
    const player = await pageInOwnBrowser();
    const playerId = await system.signInLocally(player.page, 'Dara the Player');
    await system.addMember(tenant, playerId, 'viewer');
    await page.reload();
    const role = members.getByRole('combobox', { name: 'Role of Dara the Player' });
    expect(await role.inputValue()).toBe('viewer');
    const saved = page.waitForResponse((res) => res.request().method() === 'PUT' && res.url().endsWith(`/users/${playerId}`));
    await role.selectOption('dm');
    expect((await saved).status()).toBe(200);
    await page.reload();
    expect(await role.inputValue()).toBe('dm');
    expect(await seriousViolations(page)).toEqual([]);
    await screenshotEachWidth(page, SHOTS, 'team');

    // The member sees the team, but no control and no owner's settings.
    await player.page.goto(`${system.edgeUrl}/teams/${tenant}/settings/team`);
    await player.page.getByRole('list', { name: 'Members' }).getByText('Cato the Owner').waitFor();
    await player.page.getByText("Only the team's owners invite, change roles and remove members.").waitFor();
    expect(await player.page.getByRole('combobox').count()).toBe(0);
    expect(await player.page.getByRole('button', { name: /^Delete / }).count()).toBe(0);
    expect(await player.page.getByRole('navigation').getByRole('link', { name: 'API keys' }).count()).toBe(0);
    expect(player.errors).toEqual([]);

    await invite.getByRole('button', { name: 'Delete the invite for quill@example.com' }).click();
    await invite.getByRole('button', { name: 'Yes, delete the invite for quill@example.com' }).click();
    await page.getByRole('list', { name: 'Pending invites' }).waitFor({ state: 'detached' });
    const dara = members.getByRole('listitem').filter({ hasText: 'Dara the Player' });
    await dara.getByRole('button', { name: 'Delete Dara the Player' }).click();
    await dara.getByRole('button', { name: 'Yes, delete Dara the Player' }).click();
    await dara.waitFor({ state: 'detached' });

    // The last owner stays one: the edge refuses, and the screen says what to do.
    await members.getByRole('combobox', { name: 'Role of Cato the Owner' }).selectOption('viewer');
    await page.getByText(/The last owner cannot be removed or demoted: make another member owner first/).waitFor();
    expect(await members.getByRole('combobox', { name: 'Role of Cato the Owner' }).inputValue()).toBe('tenant_owner');
    await page.reload();
    expect(await members.getByRole('combobox', { name: 'Role of Cato the Owner' }).inputValue()).toBe('tenant_owner');
    // The two failed requests are the refusals above: the bad address and the last owner's demotion.
    expect(errors).toEqual([400, 409].map((status) => expect.stringContaining(`status of ${status}`)));
  });

  it('lets a member open a support ticket, the edge\'s refusal beside its field, and read it back in the list after a reload', async () => {
    const { page, errors } = await system.newPage();
    const tenant = await ownTeam(page, 'Esme the DM');
    await page.getByRole('navigation').getByRole('link', { name: 'Support' }).click();
    await page.getByRole('heading', { name: 'Support', exact: true }).waitFor();
    await page.getByText('No tickets yet').waitFor();

    const form = page.getByRole('form', { name: 'Open a ticket' });
    await form.getByLabel('Subject').fill('Grimjaw goes quiet');
    await form.getByRole('button', { name: 'Open ticket' }).click();
    await form.getByText('What happened must not be empty').waitFor();
    await form.getByLabel('What happened').fill('In session two Grimjaw stopped answering after ten minutes.\nThe bot stayed in the channel.');
    await form.getByRole('button', { name: 'Open ticket' }).click();
    const ticket = page.getByRole('region', { name: 'Ticket Grimjaw goes quiet' });
    await ticket.getByText('The bot stayed in the channel.').waitFor();
    const id = new URL(page.url()).searchParams.get('ticket');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    await page.reload();
    await page.getByRole('list', { name: 'Tickets' }).getByRole('link', { name: /Grimjaw goes quiet\s*Open ·/ }).waitFor();
    await ticket.getByText(/^Open · opened /).waitFor();
    expect(await form.getByLabel('Subject').inputValue()).toBe('');
    expect(await seriousViolations(page)).toEqual([]);
    await screenshotEachWidth(page, SHOTS, 'support');
    expect(new URL(page.url()).pathname).toBe(`/teams/${tenant}/support`);
    // The one failed request is the empty body: the edge, not the browser, checked it.
    expect(errors).toEqual(['Failed to load resource: the server responded with a status of 400 (Bad Request)']);
  });

  it('shows an owner the team\'s plan and limits and saves its Discord bot, the edge\'s refusal beside its field', async () => {
    const { page, errors } = await system.newPage();
    const tenant = await ownTeam(page, 'Fen the Owner');
    await page.getByRole('navigation').getByRole('link', { name: 'Settings', exact: true }).click();
    await page.getByRole('heading', { name: 'Settings', exact: true }).waitFor();
    // The limits are the API's: each row says the number, or unlimited.
    const { limits } = (await system.api('GET', `/tenants/${tenant}`)).body.tenant;
    const hours = page.getByLabel('Limits').locator('div').filter({ hasText: 'Session hours a month' }).getByRole('definition');
    expect(await hours.innerText()).toBe(limits.monthly_session_hours === null ? 'unlimited' : `${limits.monthly_session_hours} hours`);
    expect(await page.getByLabel('Limits').getByRole('definition').count()).toBe(5);
    expect(await page.getByText('No bot yet').count()).toBe(1);
    const publicKey = [...crypto.getRandomValues(new Uint8Array(32))].map((b) => b.toString(16).padStart(2, '0')).join('');
    await page.getByLabel('Application ID').fill('not-digits');
    await page.getByLabel('Public key').fill(publicKey);
    await page.getByLabel('Bot token').fill(`MTIz.${'x'.repeat(30)}`);
    await page.getByRole('button', { name: 'Save the bot' }).click();
    await page.getByText('Application ID must be a Discord id (digits)').waitFor();
    const applicationId = snowflake();
    await page.getByLabel('Application ID').fill(applicationId);
    await page.getByRole('button', { name: 'Save the bot' }).click();
    await page.getByText('A bot token is stored (encrypted)').waitFor();
    expect((await system.api('GET', `/tenants/${tenant}`)).body.tenant).toMatchObject({ has_bot_token: true, discord_application_id: applicationId, discord_public_key: publicKey });
    expect(await seriousViolations(page)).toEqual([]);
    await screenshotEachWidth(page, SHOTS, 'tenant-settings');
    expect(errors).toEqual(['Failed to load resource: the server responded with a status of 400 (Bad Request)']);
  });
});
