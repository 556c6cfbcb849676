import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../../db/src/client.ts';
import { createCampaign } from '../../db/src/repos/campaigns.ts';
import { signedEvent, startStripeStandIn, stripeBindings, type StripeStandIn } from '../../edge/test/stripe/stand-in.ts';
import { screenshotEachWidth, seriousViolations } from '../lib/dashboard-page.ts';
import { SHOTS, snowflake, startDashboardSystem, type DashboardSystem } from '../lib/dashboard-system.ts';
import { freePort } from '../lib/ports.ts';

/**
 * The plan screen and onboarding's plan step in real Chromium against the real Worker with billing
 * on, Stripe answered by edge/test's stand-in (its checkout page paid as a customer would, its
 * webhooks delivered signed to the Worker): each checked with axe-core and pictured, desktop and
 * phone, into docs/screenshots/.
 */

let system: DashboardSystem;
let stripe: StripeStandIn;

beforeAll(async () => {
  const port = await freePort();
  stripe = await startStripeStandIn({ webhookUrl: `http://127.0.0.1:${port}/api/v1/billing/webhook` });
  system = await startDashboardSystem({ port, workerEnv: stripeBindings(stripe.url) });
  // The stand-in's pages have no icon; Chromium asking for one is no error of the dashboard's.
  await system.context.route(`${stripe.url}/favicon.ico`, (route) => route.fulfill({ status: 204 }));
}, 300_000);

afterAll(async () => {
  await system?.stop();
  await stripe?.close();
});

const VOICE = { provider: 'espeak', voice_id: 'en', pitch: 0, speed: 1 };

/** The team a new user owns, read off the home screen's heading. */
async function ownTeam(page: Page, name: string): Promise<{ tenant: string; userId: string }> {
  const userId = await system.signInLocally(page, name);
  const heading = await page.getByRole('heading', { name: /^Team \S+ · Owner$/ }).innerText();
  return { tenant: heading.split(' ')[1]!, userId };
}

async function withCampaign(tenant: string, name: string, npcs: string[]): Promise<string> {
  const { db, close } = createDb(process.env.DATABASE_URL!, { max: 1 });
  try {
    const made = await createCampaign(db, tenant, { campaign: { name }, npcs: npcs.map((n) => ({ name: n, voice: VOICE })), entities: [] }, { makeCurrent: true });
    return made!.id;
  } finally {
    await close();
  }
}

/** Pays the stand-in's checkout page as the customer would; Stripe sends the browser back to the dashboard. */
async function payCheckout(page: Page, price: string) {
  await page.waitForURL((url) => url.origin === stripe.url && url.pathname.startsWith('/c/pay/'));
  await page.getByText(`Subscribe for ${price}.`).waitFor();
  await page.getByRole('button', { name: 'Pay' }).click();
}

/** What Stripe does on its own (a renewal failing), its events delivered signed to the Worker as Stripe would. */
async function onStripe(step: string, body: Record<string, string> = {}) {
  const res = await fetch(`${stripe.url}/__stand-in/${step}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(body) });
  expect(res.status).toBe(200);
  for (const event of ((await res.json()) as { events: Parameters<typeof signedEvent>[0][] }).events) {
    const { body: payload, signature } = signedEvent(event);
    const delivered = await fetch(`${system.edgeUrl}/api/v1/billing/webhook`, { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': signature }, body: payload });
    expect(delivered.status).toBe(200);
  }
}

async function subscriptionOf(tenant: string): Promise<string> {
  const state = (await (await fetch(`${stripe.url}/__stand-in/state`)).json()) as { subscriptions: Array<{ id: string; metadata: Record<string, string> }> };
  return state.subscriptions.find((s) => s.metadata.tenant_id === tenant)!.id;
}

describe('the plan screen in Chromium', () => {
  it('shows an owner the plan and the month against it, subscribes through Checkout, changes plan with proration, lists invoices and explains a failed payment', async () => {
    const { page, errors } = await system.newPage();
    const { tenant } = await ownTeam(page, 'Bryn the Owner');
    await withCampaign(tenant, 'The Salt Road', ['Old Tessaly']);
    await page.goto(`${system.edgeUrl}/teams/${tenant}/campaigns`);
    await page.getByRole('navigation', { name: `Team ${tenant}` }).getByRole('link', { name: 'Plan' }).click();
    await page.getByRole('heading', { name: 'Apprentice plan' }).waitFor();
    const usage = page.getByRole('list', { name: 'Usage against the plan' });
    expect(await usage.getByRole('meter', { name: 'NPCs' }).getAttribute('aria-valuetext')).toBe('1 NPC of 2 NPCs');
    expect(await usage.getByRole('meter', { name: 'Seats (members and pending invites)' }).getAttribute('aria-valuetext')).toBe('1 seat of 1 seat');
    await usage.getByText("The plan's limit is reached. Further invites are refused.").waitFor();
    const plans = page.getByRole('list', { name: 'Plans' });
    await plans.getByRole('listitem').filter({ hasText: 'Apprentice' }).getByText('Your plan').waitFor();
    // No subscription yet: no portal and no invoices to show.
    expect(await page.getByRole('button', { name: 'Open the billing portal' }).count()).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshotEachWidth(page, SHOTS, 'billing-plan');

    // A first paid plan: confirmed, then paid on Stripe's checkout, back to the screen with the plan in force.
    await plans.getByRole('button', { name: 'Choose Adventurer, $9 a month' }).click();
    const confirm = page.getByRole('group', { name: 'Confirm the Adventurer plan' });
    await confirm.getByText("You pay $9 a month on Stripe's secure checkout page").waitFor();
    await confirm.getByRole('button', { name: 'Keep my plan' }).click();
    expect(await confirm.count()).toBe(0);
    await plans.getByRole('button', { name: 'Choose Adventurer, $9 a month' }).click();
    await confirm.getByRole('button', { name: 'Continue to checkout' }).click();
    await payCheckout(page, '$9.00 a month');
    await page.waitForURL(`${system.edgeUrl}/teams/${tenant}/settings/billing?checkout=complete`);
    await page.getByRole('heading', { name: 'Adventurer plan' }).waitFor();
    await page.getByText('Thank you: the Adventurer plan is in force.').waitFor();
    expect(await usage.getByRole('meter', { name: 'NPCs' }).getAttribute('aria-valuetext')).toBe('1 NPC of 10 NPCs');

    // An existing subscription changes in place, prorated, after saying so.
    await page.getByLabel('Yearly (two months free)').check();
    await plans.getByRole('button', { name: 'Choose Guild, $290 a year' }).click();
    const switchTo = page.getByRole('group', { name: 'Confirm the Guild plan' });
    await switchTo.getByText(/^Your subscription moves from Adventurer, billed every month, to Guild at \$290 a year\. Stripe prorates/).waitFor();
    await switchTo.getByRole('button', { name: 'Yes, switch to Guild' }).click();
    await page.getByText('You are on the Guild plan now, billed every year.').waitFor();
    await page.getByRole('heading', { name: 'Guild plan' }).waitFor();
    const state = (await (await fetch(`${stripe.url}/__stand-in/state`)).json()) as { prorations: Array<{ to: string; behavior: string }> };
    expect(state.prorations.at(-1)).toMatchObject({ to: 'price_guild_year', behavior: 'create_prorations' });
    expect(await usage.getByRole('meter', { name: 'Seats (members and pending invites)' }).getAttribute('aria-valuetext')).toBe('1 seat of 5 seats');

    // The invoices, each with Stripe's hosted page.
    const invoice = page.getByRole('link', { name: /^View invoice of / }).first();
    expect(await invoice.getAttribute('href')).toMatch(new RegExp(`^${stripe.url}/i/in_`));
    expect(await seriousViolations(page)).toEqual([]);
    await screenshotEachWidth(page, SHOTS, 'billing-changed');

    // A renewal fails: the grace period is explained, with the way to fix it.
    await onStripe(`subscriptions/${await subscriptionOf(tenant)}/fail-payment`);
    await page.reload();
    const alert = page.getByRole('alert').filter({ hasText: 'A payment failed' });
    await alert.getByText(/Your Guild plan keeps working until .+ while Stripe retries the card\. If it is not paid by then, the team works under Apprentice limits/).waitFor();
    await alert.getByRole('button', { name: 'Open the billing portal' }).click();
    await page.waitForURL((url) => url.origin === stripe.url && url.pathname.startsWith('/p/session/'));
    await page.getByRole('heading', { name: 'Billing' }).waitFor();
    await page.getByRole('link', { name: 'Return' }).click();
    await page.getByRole('heading', { name: 'Guild plan' }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await screenshotEachWidth(page, SHOTS, 'billing-past-due');
    expect(errors).toEqual([]);
  });

  it('offers a DM or viewer no billing: no Plan link, and the screen itself says only owners see it', async () => {
    const { page: ownerPage } = await system.newPage();
    const { tenant } = await ownTeam(ownerPage, 'Cora the Owner');
    for (const role of ['dm', 'viewer'] as const) {
      const { page, errors } = await system.newPage();
      const userId = await system.signInLocally(page, `Ned the ${role}`);
      await system.addMember(tenant, userId, role);
      await page.goto(`${system.edgeUrl}/teams/${tenant}/campaigns`);
      const nav = page.getByRole('navigation', { name: `Team ${tenant}` });
      await nav.getByRole('link', { name: 'Campaigns' }).waitFor();
      expect(await nav.getByRole('link', { name: 'Plan' }).count()).toBe(0);
      await page.goto(`${system.edgeUrl}/teams/${tenant}/settings/billing`);
      await page.getByText("Only the team's owners see and change its plan.").waitFor();
      expect(await page.getByRole('list', { name: 'Plans' }).count()).toBe(0);
      expect(errors).toEqual([]);
    }
  });

  it('refuses an NPC past the plan with the reason and a link to the plans', async () => {
    const { page, errors } = await system.newPage();
    const { tenant } = await ownTeam(page, 'Dara the Owner');
    const campaign = await withCampaign(tenant, 'Ironhold', ['Grimjaw', 'Elara']);
    await page.goto(`${system.edgeUrl}/teams/${tenant}/campaigns/${campaign}/npcs/new`);
    await page.getByLabel('Name', { exact: true }).fill('Sildar');
    await page.getByLabel('Voice provider').fill('espeak');
    await page.getByLabel('Voice ID').fill('en');
    await page.getByRole('button', { name: 'Save NPC' }).click();
    const refused = page.getByRole('alert').filter({ hasText: 'Your apprentice plan allows 2 NPCs and you have 2; the adventurer plan allows more.' });
    await refused.getByText("an owner can choose a bigger plan on the team's Plan screen").waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await screenshotEachWidth(page, SHOTS, 'billing-npc-limit');
    await refused.getByRole('link', { name: 'See the plans' }).click();
    await page.getByRole('heading', { name: 'Apprentice plan' }).waitFor();
    // 402s are answers, not failures: the console stays clean of app errors.
    expect(errors.filter((e) => !e.includes('402'))).toEqual([]);
  });
});

describe("onboarding's plan step in Chromium", () => {
  /** A new DM's team with its campaign, bot and server set: onboarding resumes at the plan. */
  async function readyForPlan(page: Page, name: string): Promise<string> {
    const { tenant } = await ownTeam(page, name);
    await withCampaign(tenant, 'The Salt Road', []);
    const publicKey = [...crypto.getRandomValues(new Uint8Array(32))].map((b) => b.toString(16).padStart(2, '0')).join('');
    const bot = await system.api('PUT', `/tenants/${tenant}`, { discord_application_id: snowflake(), discord_public_key: publicKey, bot_token: `bot-${crypto.randomUUID()}`, guild_ids: [snowflake()] });
    expect(bot.status).toBe(200);
    await page.goto(`${system.edgeUrl}/onboarding`);
    await page.getByRole('heading', { name: 'Choose a plan' }).waitFor();
    return tenant;
  }
  const current = (page: Page) => page.getByRole('list', { name: 'Setup steps' }).locator('[aria-current="step"]').innerText();

  it('comes after the servers; Apprentice continues to the first NPC, and a reload resumes there', async () => {
    const { page, errors } = await system.newPage();
    await readyForPlan(page, 'Esme the DM');
    expect(await current(page)).toBe('4\nChoose a plan');
    const steps = await page.getByRole('list', { name: 'Setup steps' }).getByRole('listitem').allInnerTexts();
    expect(steps.map((s) => [s.includes('(done)'), s.replace(/\s*\(done\)/, '').replace(/^\d*\s*/, '')])).toEqual([
      [true, 'Name your first campaign'],
      [true, 'Add your Discord bot'],
      [true, 'Pick your servers'],
      [false, 'Choose a plan'],
      [false, 'Create your first NPC'],
    ]);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshotEachWidth(page, SHOTS, 'onboarding-plan');
    await page.getByRole('button', { name: 'Continue with Apprentice' }).click();
    await page.getByRole('heading', { name: 'Create your first NPC' }).waitFor();
    await page.reload();
    await page.getByRole('heading', { name: 'Create your first NPC' }).waitFor();
    expect(await current(page)).toBe('5\nCreate your first NPC');
    expect(errors).toEqual([]);
  });

  it('goes through Checkout for a paid plan and comes back to onboarding with the plan in force', async () => {
    const { page, errors } = await system.newPage();
    const tenant = await readyForPlan(page, 'Finn the DM');
    await page.getByRole('list', { name: 'Plans' }).getByRole('button', { name: 'Choose Dungeon Master, $19 a month' }).click();
    await page.getByRole('button', { name: 'Continue to checkout' }).click();
    await payCheckout(page, '$19.00 a month');
    await page.waitForURL(`${system.edgeUrl}/onboarding?checkout=complete`);
    await page.getByRole('heading', { name: 'Create your first NPC' }).waitFor();
    expect(await current(page)).toBe('5\nCreate your first NPC');
    expect((await system.api('GET', `/tenants/${tenant}`)).body.tenant.limits).toMatchObject({ plan: 'dungeon_master', npcs: null, seats: 2 });
    expect(errors).toEqual([]);
  });
});
