import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectPageErrors, screenshotEachWidth, seriousViolations } from '../lib/dashboard-page.ts';
import { SHOTS, snowflake, startDashboardSystem, type DashboardSystem } from '../lib/dashboard-system.ts';

/**
 * The super admins' platform screens (tenants, users, system health) in real Chromium against
 * the real system (scripts/lib/dashboard-system.ts), each checked with axe-core and pictured,
 * desktop and phone, into docs/screenshots/.
 */

let system: DashboardSystem;
/** The super admin's tab, and the console errors it collected. */
let root: { page: Page; errors: string[] };

beforeAll(async () => {
  system = await startDashboardSystem();
  root = await system.newPage();
  const rootId = await system.signInLocally(root.page, 'Ines the Operator');
  // Not yet an operator: no way in.
  expect(await root.page.getByRole('link', { name: 'Platform', exact: true }).count()).toBe(0);
  await system.makeSuperAdmin(rootId);
  // The next token (a reload renews it through the refresh cookie) says so.
  await root.page.reload();
  await root.page.getByRole('link', { name: 'Platform', exact: true }).waitFor();
  // Starting wrangler, Chromium and a sign-in takes minutes on a loaded machine.
}, 300_000);

afterAll(async () => {
  await system?.stop();
});

/** A tab with cookies of its own: signing in there leaves the super admin signed in. */
async function pageInOwnBrowser() {
  const context = await system.browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  return { page, errors: collectPageErrors(page) };
}

/** Signs in a new owner in a browser of their own; their page and their team's id. */
async function newOwner(name: string) {
  const owner = await pageInOwnBrowser();
  await system.signInLocally(owner.page, name);
  await owner.page.getByRole('link', { name: /^Campaigns of / }).click();
  await owner.page.getByRole('heading', { name: 'Campaigns', exact: true }).waitFor();
  return { ...owner, tenant: new URL(owner.page.url()).pathname.split('/')[2]! };
}

const bodyRows = (page: Page) => page.getByRole('table').locator('tbody tr');

describe('the platform screens in Chromium', () => {
  it("lets a super admin find a tenant, set its plan and overrides (a bad one refused beside its field), see its members, and delete it; an owner sees neither the screens nor their link", async () => {
    const { page, errors } = root;
    const owner = await newOwner('Jory the Owner');
    await newOwner('Kit the Owner');

    await page.getByRole('link', { name: 'Platform', exact: true }).click();
    await page.getByRole('heading', { name: 'Tenants', exact: true }).waitFor();
    expect(await bodyRows(page).count()).toBeGreaterThanOrEqual(2);

    // A search, any case, lives in the URL: a reload keeps it.
    await page.getByLabel('Search', { exact: true }).fill(owner.tenant.toUpperCase());
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.waitForURL((url) => url.searchParams.get('q') === owner.tenant.toUpperCase());
    await page.reload();
    await page.getByRole('button', { name: 'Clear search' }).waitFor();
    expect(await bodyRows(page).allInnerTexts()).toEqual([expect.stringMatching(new RegExp(`^${owner.tenant}\\s+apprentice\\s+shared\\s+none\\s+`))]);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshotEachWidth(page, SHOTS, 'platform-tenants');

    // One tenant: its limits (billing is off here: no plan limits), members and sessions.
    await page.getByRole('link', { name: owner.tenant, exact: true }).click();
    await page.getByRole('heading', { name: `Tenant ${owner.tenant}` }).waitFor();
    await page.getByText('Billing is off: no plan limits apply').waitFor();
    const limit = (term: string) => page.getByLabel('Limits').locator('div').filter({ hasText: term }).getByRole('definition');
    expect(await limit('Session hours a month').innerText()).toBe('unlimited');
    await page.getByRole('list', { name: 'Members' }).getByText('Jory the Owner').waitFor();
    await page.getByText('No session yet.').waitFor();

    // The edge checks the overrides; its words land beside the field, and nothing changes.
    const form = page.getByRole('form', { name: 'Plan and overrides' });
    await form.getByLabel('Session hours a month').fill('1000');
    await form.getByRole('button', { name: 'Save plan and overrides' }).click();
    await form.getByText('Session hours a month must be from 0 to 744 (every hour of a month)').waitFor();
    expect(await form.getByLabel('Session hours a month').getAttribute('aria-invalid')).toBe('true');
    expect((await system.api('GET', `/tenants/${owner.tenant}`)).body.tenant).toMatchObject({ tier: 'apprentice', monthly_session_hours: null });

    await form.getByLabel('Plan', { exact: true }).selectOption('guild');
    await form.getByLabel('Session hours a month').fill('12.5');
    await form.getByLabel('Sessions at once').fill('2');
    await form.getByRole('button', { name: 'Save plan and overrides' }).click();
    await page.getByText('Saved. Running sessions finish under the old limits').waitFor();
    expect(await limit('Session hours a month').innerText()).toBe('12.5 hours');
    expect(await limit('Sessions at once').innerText()).toBe('2 sessions');
    await page.getByText('with your overrides of monthly_session_hours and max_concurrent_sessions').waitFor();
    expect((await system.api('GET', `/tenants/${owner.tenant}`)).body.tenant).toMatchObject({
      tier: 'guild',
      monthly_session_hours: 12.5,
      max_concurrent_sessions: 2,
      limits: { monthly_session_hours: 12.5, max_concurrent_sessions: 2, overridden: ['monthly_session_hours', 'max_concurrent_sessions'] },
    });
    expect(await seriousViolations(page)).toEqual([]);
    await screenshotEachWidth(page, SHOTS, 'platform-tenant');

    // Emptying an override gives the plan's number back.
    await form.getByLabel('Sessions at once').fill('');
    await form.getByRole('button', { name: 'Save plan and overrides' }).click();
    await page.getByText('with your overrides of monthly_session_hours.').waitFor();
    expect(await limit('Sessions at once').innerText()).toBe('unlimited');

    // The owner has no way in: no link, a notice instead of the screen, and the edge refuses too.
    expect(await owner.page.getByRole('link', { name: 'Platform', exact: true }).count()).toBe(0);
    await owner.page.goto(`${system.edgeUrl}/platform/tenants`);
    await owner.page.getByText("Only the platform's super admins see this screen").waitFor();
    expect(await owner.page.getByRole('table').count()).toBe(0);
    expect(await owner.page.getByRole('navigation', { name: 'Platform' }).getByRole('link', { name: 'Users' }).count()).toBe(0);

    // Deleting asks first, then the tenant is gone: from the list and from the API.
    await page.getByRole('button', { name: `Delete the tenant ${owner.tenant}` }).click();
    await page.getByRole('button', { name: `Yes, delete the tenant ${owner.tenant}` }).click();
    await page.getByRole('heading', { name: 'Tenants', exact: true }).waitFor();
    await page.getByLabel('Search', { exact: true }).fill(owner.tenant);
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByText('No tenant matches').waitFor();
    expect((await system.api('GET', `/tenants/${owner.tenant}`)).status).toBe(404);
    // The one failed request is the refused override: the edge, not the browser, checked it.
    expect(errors).toEqual(['Failed to load resource: the server responded with a status of 400 (Bad Request)']);
    errors.length = 0;
    expect(owner.errors).toEqual([]);
  });

  it('lets a super admin find a user by name with the teams they are in, and open one of those teams', async () => {
    const { page, errors } = root;
    // Names of this run's own, so earlier runs on the same database match no search.
    const lumi = `Lumi ${Math.random().toString(36).slice(2, 7)}`;
    const owner = await newOwner(`${lumi} the Owner`);
    const viewer = await pageInOwnBrowser();
    const viewerId = await system.signInLocally(viewer.page, `${lumi} the Viewer`);
    await system.addMember(owner.tenant, viewerId, 'viewer');

    await page.goto(`${system.edgeUrl}/platform/users`);
    await page.getByRole('heading', { name: 'Users', exact: true }).waitFor();
    await page.getByLabel('Search', { exact: true }).fill(lumi.toLowerCase());
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    const users = page.getByRole('list', { name: 'Users' }).getByRole('listitem');
    await page.waitForURL((url) => url.searchParams.get('q') === lumi.toLowerCase());
    const found = users.filter({ hasText: `${lumi} the Viewer` });
    await found.waitFor();
    expect(await users.count()).toBe(2);
    await found.getByText(/^joined .* · last sign-in /).waitFor();
    expect(await found.getByText('(Viewer)').count()).toBe(1);
    await users.filter({ hasText: `${lumi} the Owner` }).getByText('(Owner)').waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await screenshotEachWidth(page, SHOTS, 'platform-users');

    await page.getByLabel('Search', { exact: true }).fill('nobody-by-this-name');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByText('No user matches').waitFor();
    await page.getByRole('button', { name: 'Clear search' }).click();
    await page.getByLabel('Search', { exact: true }).fill(`${lumi} the viewer`);
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await users.filter({ hasText: `${lumi} the Viewer` }).getByRole('link', { name: owner.tenant }).click();
    await page.getByRole('heading', { name: `Tenant ${owner.tenant}` }).waitFor();
    await page.getByRole('list', { name: 'Members' }).getByText(`${lumi} the Viewer`).waitFor();
    expect(errors).toEqual([]);
  });

  it('shows a super admin the system: readiness, the voice nodes, a live session to stop from its tenant, and the month', async () => {
    const { page, errors } = root;
    const tenant = await system.tenantWithNode();
    const started = await system.api('POST', `/tenants/${tenant}/sessions?wait=active`, { guild_id: snowflake(), channel_id: snowflake(), started_by: snowflake(), transport: 'websocket' });
    expect(started.body.session).toMatchObject({ state: 'active' });

    await page.goto(`${system.edgeUrl}/platform/health`);
    await page.getByRole('heading', { name: 'System health', exact: true }).waitFor();
    const glance = page.getByLabel('At a glance');
    expect(await glance.locator('div').filter({ hasText: 'Readiness' }).getByRole('definition').innerText()).toBe('Ready');
    await page.getByText(/^Postgres answered in \d+ ms\.$/).waitFor();
    const node = bodyRows(page).filter({ hasText: tenant });
    expect(await node.locator('td').allInnerTexts()).toEqual([expect.stringMatching(/^node-/), tenant, 'connected', '1 of 4', expect.any(String), expect.any(String)]);
    const live = page.getByRole('list', { name: 'Live sessions' }).getByRole('listitem').filter({ hasText: tenant });
    await live.getByText(/active since/).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await screenshotEachWidth(page, SHOTS, 'platform-health');

    // From the live session to its tenant, where it is stopped.
    await live.getByRole('link', { name: tenant }).click();
    await page.getByRole('heading', { name: `Tenant ${tenant}` }).waitFor();
    const session = page.getByRole('list', { name: 'Sessions' }).getByRole('listitem').first();
    await session.getByRole('link', { name: /^Running since / }).waitFor();
    await session.getByRole('button', { name: 'Stop this session' }).click();
    await session.getByRole('link', { name: /^Ended / }).waitFor();
    await session.getByText('Ended because: stopped').waitFor();
    expect((await system.api('GET', `/tenants/${tenant}/sessions`)).body.sessions[0]).toMatchObject({ id: started.body.session.id, state: 'ended', end_reason: 'stopped' });
    expect(errors).toEqual([]);
  });
});
