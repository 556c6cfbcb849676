import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshotEachWidth, seriousViolations } from '../lib/dashboard-page.ts';
import { SHOTS, startDashboardSystem, type DashboardSystem } from '../lib/dashboard-system.ts';

/**
 * A team's providers screen in real Chromium against the
 * real system (scripts/lib/dashboard-system.ts), each checked with axe-core and pictured, desktop and
 * phone, into docs/screenshots/.
 */

/** The stand-in language model's key: a call with any other is refused 401, quoting the key it got. */
const LLM_KEY = 'sk-llm';

let system: DashboardSystem;

// The Worker under wrangler dev takes a minute or more to answer on a machine the other suites share.
beforeAll(async () => {
  system = await startDashboardSystem({ llm: { apiKey: LLM_KEY } });
}, 180_000);

afterAll(async () => {
  await system?.stop();
});

/** Signs in a new owner of a team of their own and opens one of its screens from the team's navigation; the team's id. */
async function ownTeam(page: Page, name: string, screen: string): Promise<string> {
  await system.signInLocally(page, name);
  await page.getByRole('link', { name: /^Campaigns of / }).click();
  await page.getByRole('heading', { name: 'Campaigns', exact: true }).waitFor();
  await page.getByRole('navigation').getByRole('link', { name: screen }).click();
  await page.getByRole('heading', { name: screen, exact: true }).waitFor();
  return new URL(page.url()).pathname.split('/')[2]!;
}

describe('the providers screen in Chromium', () => {
  it('lets an owner set a provider (checked inline), test it against the vendor (a refusal with what to do, then its answer and latency), replace and remove it; keys never show; a viewer only reads', async () => {
    const { page, errors } = await system.newPage();
    const tenant = await ownTeam(page, 'Cato the Owner', 'Providers');
    const llm = page.getByRole('region', { name: 'Language model' });
    await llm.getByText("Not set. Sessions use the voice node's default language model.").waitFor();

    // The edge's own body schema refuses in the browser, beside the field.
    const form = llm.getByRole('form', { name: 'Set the llm provider' });
    await form.getByLabel('Base URL').fill('ftp://models.example');
    await form.getByRole('button', { name: 'Set llm provider' }).click();
    await form.getByText('Base URL must be an http(s) URL').waitFor();
    expect(await form.getByLabel('Base URL').getAttribute('aria-invalid')).toBe('true');
    await form.getByText(/^Model /).first().waitFor();

    const wrongKey = 'sk-wrong-3b7d91';
    await form.getByLabel('Base URL').fill(system.llm.url);
    await form.getByLabel('Model').fill('stand-in');
    await form.getByLabel('API key').fill(wrongKey);
    await form.getByRole('button', { name: 'Set llm provider' }).click();
    await llm.getByLabel('stored, hidden').waitFor();

    // A real call to the vendor: its refusal, and what to do about it.
    await llm.getByRole('button', { name: 'Test llm provider' }).click();
    const result = llm.getByRole('status', { name: 'llm test result' });
    await result.getByText(/^Failed after \d+ ms \(HTTP 401\): .*Check the API key: replace it with one the vendor accepts\.$/).waitFor();
    expect(await page.content()).not.toContain(wrongKey);

    // Replaced with the right key, the same test reaches the model and shows its answer and latency.
    await llm.getByRole('button', { name: 'Replace llm provider' }).click();
    const replace = llm.getByRole('form', { name: 'Replace the llm provider' });
    expect(await replace.getByLabel('Model').inputValue()).toBe('stand-in');
    await replace.getByLabel('API key').fill(LLM_KEY);
    await replace.getByRole('button', { name: 'Save changes' }).click();
    await llm.getByRole('button', { name: 'Test llm provider' }).click();
    await result.getByText(/^Works in \d+ ms: answered "You said: Are you there\?" \(\d+ tokens in, \d+ out\)$/).waitFor();
    const asked = system.llm.requests.filter((r) => r.path === '/v1/chat/completions').at(-1)!;
    expect(asked.headers.authorization).toBe(`Bearer ${LLM_KEY}`);

    // Speech to text hears the edge's spoken recording (the stand-in transcribes its length).
    const stt = page.getByRole('region', { name: 'Speech to text' });
    const sttForm = stt.getByRole('form', { name: 'Set the stt provider' });
    await sttForm.getByLabel('Base URL').fill(system.stt.url);
    await sttForm.getByLabel('Model').fill('whisper-1');
    await sttForm.getByRole('button', { name: 'Set stt provider' }).click();
    await stt.getByRole('button', { name: 'Test stt provider' }).click();
    await stt.getByRole('status', { name: 'stt test result' }).getByText(/^Works in \d+ ms: heard "heard 2\.10 seconds" in 2\.1 s of "Testing, one, two, three\."$/).waitFor();
    await stt.getByText('none', { exact: true }).waitFor();

    expect(await seriousViolations(page)).toEqual([]);
    await screenshotEachWidth(page, SHOTS, 'providers');
    expect(await page.content()).not.toContain(LLM_KEY);

    await stt.getByRole('button', { name: 'Delete the stt provider' }).click();
    await stt.getByRole('button', { name: 'Yes, delete the stt provider' }).click();
    await stt.getByText("Not set. Sessions use the voice node's default speech to text.").waitFor();
    expect((await system.api('GET', `/tenants/${tenant}/providers`)).body.providers.map((p: { role: string }) => p.role)).toEqual(['llm']);
    expect(errors).toEqual([]);

    // A viewer sees what is set, and no control to change or test it.
    const viewer = await system.newPage();
    const viewerId = await system.signInLocally(viewer.page, 'Dara the Viewer');
    await system.addMember(tenant, viewerId, 'viewer');
    await viewer.page.goto(`${system.edgeUrl}/teams/${tenant}/settings/providers`);
    await viewer.page.getByText("Only the team's owners set, test or remove providers").waitFor();
    await viewer.page.getByRole('region', { name: 'Language model' }).getByText('stand-in').waitFor();
    expect(await viewer.page.getByRole('button').filter({ hasText: /Test|Replace|Delete|Set/ }).count()).toBe(0);
    expect(viewer.errors).toEqual([]);
  });
});

