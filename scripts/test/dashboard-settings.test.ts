import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshotEachWidth, seriousViolations } from '../lib/dashboard-page.ts';
import { SHOTS, startDashboardSystem, type DashboardSystem } from '../lib/dashboard-system.ts';

/**
 * A team's settings screens in real Chromium against the real system (scripts/lib/dashboard-system.ts),
 * each checked with axe-core and pictured, desktop and phone, into docs/screenshots/.
 */

let system: DashboardSystem;

beforeAll(async () => {
  system = await startDashboardSystem();
});

afterAll(async () => {
  await system?.stop();
});

/** Signs in a new owner of a team of their own and opens that team's campaigns; the team's id. */
async function ownTeam(page: Page, name: string): Promise<string> {
  await system.signInLocally(page, name);
  await page.getByRole('link', { name: /^Campaigns of / }).click();
  await page.getByRole('heading', { name: 'Campaigns', exact: true }).waitFor();
  return new URL(page.url()).pathname.split('/')[2]!;
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
});
