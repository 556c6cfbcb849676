import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Prompt } from '../../providers/test/stand-ins/index.ts';
import { joinLink } from '../../ui/src/talk/join-link.ts';
import { initialScriptBytes, screenshotEachWidth, seriousViolations } from '../lib/dashboard-page.ts';
import { ROOT, SHOTS, snowflake, startDashboardSystem, until, type DashboardSystem } from '../lib/dashboard-system.ts';

/**
 * The dashboard in real Chromium against the real system (scripts/lib/dashboard-system.ts):
 * sign-in, onboarding, campaigns and NPCs, the app's serving, and talking to an NPC in the
 * browser. Each main screen is checked with axe-core and pictured, desktop and phone, into
 * docs/screenshots/.
 */

/** Initial JavaScript of a landing screen, gzipped (the budget). */
const INITIAL_JS_BUDGET = 150 * 1024;
const QUESTION = 'Grimjaw, what do you sell?';
const ANSWER = 'Axes and hammers, friend. Finest in Ironhold.';
const TYPED = 'Grimjaw, anything cheaper?';
const TYPED_ANSWER = 'Nails, two coppers a dozen.';

const fixtures = mkdtempSync(join(tmpdir(), 'gx-dashboard-fixture-'));
let system: DashboardSystem;
let edgeUrl: string;
const api = (method: string, path: string, body?: unknown) => system.api(method, path, body);
const newPage = () => system.newPage();
const signInLocally = (page: Page, name: string) => system.signInLocally(page, name);

/** The player's question as speech: espeak-ng, at 48 kHz (sox), with quiet around it for the microphone to open in. */
function spokenQuestion(dir: string): string {
  const raw = join(dir, 'question-raw.wav');
  const wav = join(dir, 'question.wav');
  execFileSync('espeak-ng', ['-w', raw, QUESTION]);
  execFileSync('sox', [raw, '-r', '48000', '-c', '1', '-b', '16', wav, 'pad', '1.5', '2']);
  return wav;
}

function reply(prompt: Prompt): string {
  return JSON.stringify(prompt.messages.at(-1)).includes('cheaper') ? TYPED_ANSWER : ANSWER;
}

beforeAll(async () => {
  system = await startDashboardSystem({
    // The node sends the turn for recognition at each pause (after "Grimjaw," too): only the whole question is heard as one.
    stt: { transcript: (samples) => (samples.length / 16_000 > 1.2 ? QUESTION : '') },
    llm: { reply },
    fakeMicrophone: spokenQuestion(fixtures),
  });
  edgeUrl = system.edgeUrl;
  // Starting wrangler and Chromium takes minutes on a loaded machine.
}, 300_000);

afterAll(async () => {
  await system?.stop();
  rmSync(fixtures, { recursive: true, force: true });
});

describe('the dashboard in Chromium', () => {
  it('serves the sign-in screen: every provider, the local form, accessible in both themes and at phone width', async () => {
    const { page, errors } = await newPage();
    // Route chunks: what the landing screen loads is within budget.
    const initial = await initialScriptBytes(page, `${edgeUrl}/sign-in`, join(ROOT, 'ui', 'dist'));
    expect(initial.scripts.some((path) => path.includes('sign-in'))).toBe(true);
    expect(initial.gzipBytes).toBeLessThanOrEqual(INITIAL_JS_BUDGET);
    await page.getByRole('heading', { name: 'Sign in', exact: true }).waitFor();
    for (const provider of ['discord', 'google', 'github']) {
      expect(await page.getByRole('link', { name: new RegExp(`Continue with ${provider}`, 'i') }).getAttribute('href')).toBe(`/auth/${provider}`);
    }
    // The local form says what is wrong, next to the field, before anything is sent.
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByText('Enter your email address').waitFor();
    await page.getByLabel('Email').fill('not-an-email');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByText('Enter an email address like dm@example.com').waitFor();
    expect(await page.getByLabel('Email').getAttribute('aria-invalid')).toBe('true');
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByLabel('Email').fill('');
    await page.reload();
    await page.getByRole('heading', { name: 'Sign in', exact: true }).waitFor();
    await screenshotEachWidth(page, SHOTS, 'sign-in');

    await page.getByRole('button', { name: 'Use the dark theme' }).click();
    expect(await page.evaluate(() => document.documentElement.classList.contains('dark'))).toBe(true);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshotEachWidth(page, SHOTS, 'sign-in-dark');
    // The choice survives a reload, applied before the first paint.
    await page.reload();
    expect(await page.evaluate(() => document.documentElement.classList.contains('dark'))).toBe(true);
    await page.getByRole('button', { name: 'Use the light theme' }).click();

    expect(errors).toEqual([]);
  });

  it('signs in on this machine into the home screen, named from /api/v1/me, stays signed in across a reload, and signs out', async () => {
    const { page, errors } = await newPage();
    await page.goto(`${edgeUrl}/`);
    // Not signed in: home sends the visitor to sign in, and back home after.
    await page.getByRole('heading', { name: 'Sign in', exact: true }).waitFor();
    expect(new URL(page.url()).searchParams.get('redirect')).toBe('/');
    await page.getByLabel('Email').fill(`mira-${Math.random().toString(36).slice(2, 8)}@example.com`);
    await page.getByLabel('Display name').fill('Mira the DM');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    // Without a campaign yet, home waits behind onboarding; leaving it for later goes home.
    await page.getByRole('heading', { name: 'Set up Glyphoxa' }).waitFor();
    await page.getByRole('link', { name: 'finish setup later' }).click();
    await page.getByRole('heading', { name: 'Welcome, Mira the DM' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/');
    await page.getByText('Signed in as Mira the DM').waitFor();
    // A first sign-in made the user the owner of a team of their own.
    expect(await page.getByRole('heading', { name: /^Team dm-\S+ · Owner$/ }).count()).toBe(1);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshotEachWidth(page, SHOTS, 'home');

    // The access token was in memory only: a reload gets a new one through the refresh cookie.
    await page.reload();
    await page.getByRole('heading', { name: 'Welcome, Mira the DM' }).waitFor();

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in', exact: true }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    // The edge revoked the session and cleared its cookies: home is closed again.
    expect((await system.context.cookies(`${edgeUrl}/auth/refresh`)).map((c) => c.name)).not.toContain('gx_refresh');
    await page.goto(`${edgeUrl}/`);
    await page.getByRole('heading', { name: 'Sign in', exact: true }).waitFor();
    expect(errors).toEqual([]);
  });

  it('onboards a new DM: campaign, the Discord bot (a bad application id refused beside its field), its servers from Discord, the first NPC, resuming after a reload, then talking to that NPC', async () => {
    const { page, errors } = await newPage();
    // The talk at the end runs on a voice node of the shared pool, where a new DM's team is placed.
    const node = system.startNode('shared');
    // An origin's grant replaces the context's, so the microphone is named again.
    await system.context.grantPermissions(['microphone', 'clipboard-read', 'clipboard-write'], { origin: edgeUrl });
    await page.goto(`${edgeUrl}/sign-in`);
    const email = `wren-${Math.random().toString(36).slice(2, 8)}@example.com`;
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Display name').fill('Wren the DM');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { name: 'Set up Glyphoxa' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/onboarding');
    const current = () => page.getByRole('list', { name: 'Setup steps' }).locator('[aria-current="step"]').innerText();
    expect(await current()).toBe('1\nName your first campaign');
    expect(await seriousViolations(page)).toEqual([]);

    // 1: the campaign, checked with the API's schema before it is sent.
    await page.getByRole('button', { name: 'Create campaign' }).click();
    await page.locator('[aria-invalid="true"]').waitFor();
    expect(await page.getByLabel('Name').getAttribute('aria-invalid')).toBe('true');
    expect(await current()).toBe('1\nName your first campaign');
    await page.getByLabel('Name').fill('The Salt Road');
    await page.getByRole('button', { name: 'Create campaign' }).click();

    // 2: the bot. The Interactions Endpoint URL is the edge's Discord door for this team, and copies.
    await page.getByRole('heading', { name: 'Add your Discord bot' }).waitFor();
    const url = await page.getByLabel('Interactions Endpoint URL').innerText();
    expect(url).toMatch(new RegExp(`^${edgeUrl}/discord/dm-[0-9a-f-]+/interactions$`));
    await page.getByRole('button', { name: 'Copy URL' }).click();
    await page.getByRole('status').filter({ hasText: 'Copied' }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(url);
    const tenant = url.split('/').at(-2)!;
    // A key belongs to one tenant only: a fresh one each run.
    const publicKey = [...crypto.getRandomValues(new Uint8Array(32))].map((b) => b.toString(16).padStart(2, '0')).join('');
    await page.getByLabel('Application ID').fill('my-bot');
    await page.getByLabel('Public key').fill(publicKey);
    await page.getByLabel('Bot token').fill(`MTIz.${'x'.repeat(30)}`);
    await page.getByRole('button', { name: 'Save the bot' }).click();
    // The edge refused it; its words are beside the field, and the step is not done.
    await page.getByText('Application ID must be a Discord id (digits)').waitFor();
    expect(await page.getByLabel('Application ID').getAttribute('aria-invalid')).toBe('true');
    expect((await api('GET', `/tenants/${tenant}`)).body.tenant).toMatchObject({ has_bot_token: false, discord_application_id: null });
    expect(await seriousViolations(page)).toEqual([]);
    await screenshotEachWidth(page, SHOTS, 'onboarding');

    // A reload resumes at the bot: the campaign is done, read back from the API.
    await page.reload();
    await page.getByRole('heading', { name: 'Add your Discord bot' }).waitFor();
    expect(await current()).toBe('2\nAdd your Discord bot');
    const applicationId = snowflake();
    const botToken = `MTIz.${crypto.randomUUID().replace(/-/g, '')}`;
    await page.getByLabel('Application ID').fill(applicationId);
    await page.getByLabel('Public key').fill(publicKey);
    await page.getByLabel('Bot token').fill(botToken);
    await page.getByRole('button', { name: 'Save the bot' }).click();

    // 3: the servers, as Discord (its stand-in) reports them for this bot: none yet, so the page says how to add it.
    await page.getByRole('heading', { name: 'Pick your servers' }).waitFor();
    expect((await api('GET', `/tenants/${tenant}`)).body.tenant).toMatchObject({ has_bot_token: true, discord_application_id: applicationId, discord_public_key: publicKey });
    await page.getByText('Your bot is in no server yet').waitFor();
    const invite = new URL((await page.getByRole('link', { name: /^Add the bot to a server/ }).getAttribute('href'))!);
    expect([invite.origin, invite.searchParams.get('client_id'), invite.searchParams.get('scope')]).toEqual(['https://discord.com', applicationId, 'bot applications.commands']);
    const tavern = { id: snowflake(), name: 'The Salt Road Tavern', channels: [{ id: snowflake(), name: 'Table', type: 2 }] };
    await system.discord.seedBotGuilds(botToken, [tavern, { id: snowflake(), name: 'Market Square', channels: [] }]);
    await page.getByRole('button', { name: 'I added it: check again' }).click();
    const servers = page.getByRole('form', { name: 'Pick servers' });
    await servers.getByRole('button', { name: 'Use these servers' }).click();
    await servers.getByText('Pick at least one server').waitFor();
    expect(await current()).toBe('3\nPick your servers');
    await servers.getByLabel('The Salt Road Tavern').check();
    await servers.getByRole('button', { name: 'Use these servers' }).click();

    // 4: the first NPC, with the NPC editor; a reload first, which resumes here.
    await page.getByRole('heading', { name: 'Create your first NPC' }).waitFor();
    expect((await api('GET', `/tenants/${tenant}`)).body.tenant.guild_ids).toEqual([tavern.id]);
    await page.reload();
    await page.getByRole('heading', { name: 'Create your first NPC' }).waitFor();
    expect(await current()).toBe('4\nCreate your first NPC');
    await page.getByLabel('Name', { exact: true }).fill('Old Tessaly');
    await page.getByLabel('Personality').fill('A salt trader who remembers every debt.');
    await page.getByLabel('Voice provider').fill('espeak');
    await page.getByLabel('Voice ID').fill('en');
    await page.getByRole('button', { name: 'Save NPC' }).click();

    // 5: set up; talk to the NPC right here, in a browser-audio session filed under the picked server.
    await page.getByRole('heading', { name: 'Talk to Old Tessaly' }).waitFor();
    // The picked server is chosen; the bot's guilds come from Discord as the step opens.
    await page.getByLabel('Server').locator('option:checked', { hasText: 'The Salt Road Tavern' }).waitFor({ state: 'attached' });
    await page.getByLabel('Voice channel').locator('option', { hasText: 'Table' }).waitFor({ state: 'attached' });
    expect(await seriousViolations(page)).toEqual([]);
    await system.useStandIns(tenant);
    await node;
    await page.getByRole('button', { name: 'Talk to Old Tessaly' }).click();
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor({ timeout: 30_000 });
    await page.getByLabel('Or type a line').fill('Old Tessaly, what do you sell?');
    await page.getByRole('button', { name: 'Send line' }).click();
    const log = page.getByRole('log', { name: 'Transcript' });
    await log.getByText(ANSWER).waitFor({ timeout: 30_000 });
    const said = (await log.getByRole('listitem').allInnerTexts()).filter((line) => line.trim());
    expect(said.map((line) => line.split('\n').at(-1))).toEqual(['Old Tessaly, what do you sell?', ANSWER]);
    const [session] = (await api('GET', `/tenants/${tenant}/sessions?state=active`)).body.sessions;
    expect(session).toMatchObject({ guild_id: tavern.id, channel_id: tavern.channels[0]!.id });
    await screenshotEachWidth(page, SHOTS, 'onboarding-talk');
    // Leaving stops the session: nothing runs on unattended.
    await page.getByRole('button', { name: 'Leave the conversation' }).click();
    await until('the session to end', async () => ((await api('GET', `/tenants/${tenant}/sessions`)).body.sessions.find((s: { id: string }) => s.id === session.id)?.state === 'ended' ? true : undefined));
    await page.getByRole('button', { name: 'Go to your home screen' }).click();
    await page.getByRole('heading', { name: 'Welcome, Wren the DM' }).waitFor();
    // Signing in again, with a campaign now, goes straight home.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Display name').fill('Wren the DM');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { name: 'Welcome, Wren the DM' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/');
    // The one failed request is the refused bot: the edge, not the browser, checked the application id.
    expect(errors).toEqual(['Failed to load resource: the server responded with a status of 400 (Bad Request)']);
  });

  it('lets a DM create a campaign and an NPC, the NPC form refusing a bad value beside its field, and both are there after a reload', async () => {
    const { page, errors } = await newPage();
    await signInLocally(page, 'Rook the DM');
    await page.getByRole('link', { name: /^Campaigns of / }).click();
    await page.getByRole('heading', { name: 'Campaigns', exact: true }).waitFor();
    await page.getByText('No campaigns yet').waitFor();

    // The campaign form checks with the API's schema before sending: a language that is no language code.
    const form = page.getByRole('form', { name: 'Create campaign' });
    await form.getByLabel('Name').fill('The Sunken Crown');
    await form.getByLabel('Game system').fill('D&D 5e');
    await form.getByLabel('Language').fill('english!');
    await form.getByRole('button', { name: 'Create campaign' }).click();
    await form.getByText('Language must be a language code such as en or de-AT').waitFor();
    await form.getByLabel('Language').fill('en');
    await form.getByRole('button', { name: 'Create campaign' }).click();
    await page.getByRole('list', { name: 'Campaigns' }).getByRole('link', { name: /The Sunken Crown/ }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await screenshotEachWidth(page, SHOTS, 'campaigns');

    await page.getByRole('link', { name: /The Sunken Crown/ }).click();
    await page.getByRole('heading', { name: 'The Sunken Crown' }).waitFor();
    await page.getByRole('link', { name: 'New NPC' }).click();
    await page.getByRole('heading', { name: 'New NPC in The Sunken Crown' }).waitFor();
    await page.getByLabel('Name', { exact: true }).fill('Marrow the Ferryman');
    await page.getByLabel('Aliases').fill('Marrow\nthe old ferryman');
    await page.getByLabel('Personality').fill('Gruff, counts every coin twice.');
    await page.getByLabel('Voice provider').fill('espeak');
    await page.getByLabel('Voice ID').fill('en');
    await page.getByLabel('Pitch').fill('15');
    await page.getByLabel('Speed').fill('1.2');
    await page.getByLabel('Budget tier').selectOption('standard');
    await page.getByLabel('Knowledge scope').fill('the river\nsmugglers');
    await page.getByLabel('Secret knowledge').fill('He ferried the crown thief.');
    await page.getByLabel('Behaviour rules').fill('Never crosses after dark');
    await page.getByLabel('Muted by default').check();
    // None by default; the DM allows two.
    const tools = page.getByRole('group', { name: 'Tools' });
    for (const box of await tools.getByRole('checkbox').all()) expect(await box.isChecked()).toBe(false);
    await tools.getByLabel('Roll dice').check();
    await tools.getByLabel('Campaign knowledge').check();
    await page.getByRole('button', { name: 'Save NPC' }).click();
    // Refused beside the field, in the words the edge would use, and nothing sent.
    await page.getByText('Pitch must be from -10 to 10').waitFor();
    expect(await page.getByLabel('Pitch').getAttribute('aria-invalid')).toBe('true');
    expect(await seriousViolations(page)).toEqual([]);
    await screenshotEachWidth(page, SHOTS, 'npc-editor');
    await page.getByLabel('Pitch').fill('-3');
    await page.getByRole('button', { name: 'Save NPC' }).click();
    await page.getByRole('heading', { name: 'The Sunken Crown' }).waitFor();
    await page.getByRole('list', { name: 'NPCs' }).getByRole('link', { name: /Marrow the Ferryman/ }).waitFor();

    // After a reload (a new token through the refresh cookie) both are read back from the edge.
    await page.reload();
    await page.getByRole('list', { name: 'NPCs' }).getByRole('link', { name: /Marrow the Ferryman/ }).click();
    await page.getByRole('heading', { name: 'Marrow the Ferryman' }).waitFor();
    expect(await page.getByLabel('Pitch').inputValue()).toBe('-3');
    expect(await page.getByLabel('Speed').inputValue()).toBe('1.2');
    expect(await page.getByLabel('Aliases').inputValue()).toBe('Marrow\nthe old ferryman');
    expect(await page.getByLabel('Budget tier').inputValue()).toBe('standard');
    expect(await page.getByLabel('Muted by default').isChecked()).toBe(true);
    expect(await page.getByLabel('GM helper', { exact: false }).isChecked()).toBe(false);
    expect(await page.getByLabel('Secret knowledge').inputValue()).toBe('He ferried the crown thief.');
    const allowed = page.getByRole('group', { name: 'Tools' });
    const ticked = await Promise.all((await allowed.getByRole('checkbox').all()).map(async (box) => [await box.getAttribute('value'), await box.isChecked()]));
    expect(ticked.filter(([, on]) => on).map(([name]) => name)).toEqual(['roll_dice', 'campaign_knowledge']);
    expect(await seriousViolations(page)).toEqual([]);

    // Deleting asks first; the campaign's list is read again after.
    await page.getByRole('link', { name: 'Campaigns', exact: true }).click();
    await page.getByRole('link', { name: /The Sunken Crown/ }).click();
    await page.getByRole('button', { name: 'Delete The Sunken Crown' }).click();
    await page.getByRole('button', { name: 'Yes, delete The Sunken Crown' }).click();
    await page.getByText('No campaigns yet').waitFor();
    expect(errors).toEqual([]);
  });

  it('serves index.html to be revalidated and hashed assets as immutable, and any unknown path as the app', async () => {
    const html = await fetch(`${edgeUrl}/sign-in`);
    expect(html.headers.get('content-type')).toContain('text/html');
    expect(html.headers.get('cache-control') ?? '').not.toContain('immutable');
    const indexHtml = await html.text();
    const asset = indexHtml.match(/src="(\/assets\/[^"]+\.js)"/)![1]!;
    const served = await fetch(`${edgeUrl}${asset}`, { headers: { 'accept-encoding': 'gzip, br' } });
    expect(served.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(served.headers.get('content-encoding')).toMatch(/^(gzip|br)$/);
    // The landing screen's chunk is fetched beside the entry, not after the router has run.
    expect(indexHtml).toMatch(/<link rel="modulepreload" crossorigin href="\/assets\/sign-in-[^"]+\.js">/);

    const { page, errors } = await newPage();
    await page.goto(`${edgeUrl}/no/such/page`);
    await page.getByRole('heading', { name: 'No such page' }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await screenshotEachWidth(page, SHOTS, 'not-found');
    // An incomplete join link says what is missing.
    await page.goto(`${edgeUrl}/join/${crypto.randomUUID()}`);
    await page.getByText('This join link is incomplete').waitFor();
    expect(errors).toEqual([]);
  });

  it('talks to an NPC in the browser: the microphone and a typed line reach it, its answers play and appear in the live transcript', async () => {
    const tenant = await system.tenantWithNode();
    const started = await api('POST', `/tenants/${tenant}/sessions?wait=active`, { guild_id: snowflake(), channel_id: snowflake(), started_by: snowflake(), transport: 'websocket' });
    expect(started.body.session).toMatchObject({ state: 'active', audio: { transport: 'websocket' } });
    const { id, audio } = started.body.session;

    const { page, errors } = await newPage();
    await page.goto(joinLink(edgeUrl, id, audio));
    await page.getByLabel('Your name').fill('Ana');
    await page.getByRole('button', { name: 'Join the conversation' }).click();
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);

    // Chromium's fake microphone plays the spoken question once the microphone opens.
    await page.getByRole('button', { name: 'Use my microphone' }).click();
    await page.getByLabel('Open mic (no need to hold)').check();
    const log = page.getByRole('log', { name: 'Transcript' });
    await log.getByText(QUESTION).waitFor({ timeout: 30_000 });
    await log.getByText(ANSWER).waitFor({ timeout: 30_000 });
    await page.getByLabel('Open mic (no need to hold)').uncheck();
    const heard = () => page.locator('[data-stat="heard-ms"]').getAttribute('data-value').then(Number);
    // The answer came back as audio and was decoded: more than a second of speech.
    await until('the answer to play', async () => ((await heard()) > 1000 ? true : undefined));
    expect(Number(await page.locator('[data-stat="sent"]').textContent())).toBeGreaterThan(50);

    await page.getByLabel('Or type a line').fill(TYPED);
    await page.getByRole('button', { name: 'Send line' }).click();
    await log.getByText(TYPED_ANSWER).waitFor({ timeout: 30_000 });
    const lines = await log.getByRole('listitem').allInnerTexts();
    expect(lines.filter((line) => line.trim()).map((line) => line.split('\n').at(-1))).toEqual([QUESTION, ANSWER, TYPED, TYPED_ANSWER]);
    expect(lines[0]).toContain('Ana');
    expect(lines[1]).toContain('Grimjaw');
    // The tenant's own keys went to its providers.
    expect(system.llm.requests.at(-1)!.headers.authorization).toBe('Bearer sk-llm');
    await page.getByText('Connection details').click();
    await screenshotEachWidth(page, SHOTS, 'talk-to-npc');

    // A DM of the tenant finds the session on the dashboard with its transcript, and stops it there.
    const dm = await newPage();
    const dmId = await signInLocally(dm.page, 'Sable the DM');
    await system.addMember(tenant, dmId, 'dm');
    await dm.page.goto(`${edgeUrl}/teams/${tenant}/sessions`);
    await dm.page.getByRole('link', { name: /^Running session started/ }).click();
    const transcript = dm.page.getByRole('list', { name: 'Transcript' });
    await transcript.getByText(ANSWER).waitFor();
    await transcript.getByText(TYPED_ANSWER).waitFor();
    expect(await seriousViolations(dm.page)).toEqual([]);
    await screenshotEachWidth(dm.page, SHOTS, 'sessions');
    await dm.page.getByRole('button', { name: 'Stop session' }).click();
    await dm.page.getByRole('link', { name: /^Ended session started/ }).waitFor();

    // Stopping the session ends the conversation, and the page says so.
    await page.bringToFront();
    await page.getByText('The session has ended').waitFor();
    expect([...errors, ...dm.errors]).toEqual([]);
  });
});
