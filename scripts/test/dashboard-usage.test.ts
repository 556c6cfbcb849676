import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../../db/src/client.ts';
import { usageDays, usageRecords } from '../../db/src/schema/usage.ts';
import type { Prompt } from '../../providers/test/stand-ins/index.ts';
import { screenshotEachWidth, seriousViolations } from '../lib/dashboard-page.ts';
import { SHOTS, snowflake, startDashboardSystem, until, type DashboardSystem } from '../lib/dashboard-system.ts';

/**
 * The home, usage and sessions screens in real Chromium against the real system
 * (scripts/lib/dashboard-system.ts), with Discord's REST API answered by edge/test's stand-in:
 * each checked with axe-core and pictured, desktop and phone, into docs/screenshots/.
 */

const LINE = 'Grimjaw, what do you sell?';
const ANSWER = 'Axes and hammers, friend. Finest in Ironhold.';
const RECAP = 'Pip asked Grimjaw what he sells; he offered axes and hammers.';
const GUILD = { id: snowflake(), name: 'The Prancing Pony' };
const VOICE = { id: snowflake(), name: 'Tavern' };

let system: DashboardSystem;

beforeAll(async () => {
  // The tenant's model answers in character, and writes the recap when the edge asks for one.
  const reply = (prompt: Prompt) => (JSON.stringify(prompt.messages.at(-1)).includes("The session's transcript") ? RECAP : ANSWER);
  system = await startDashboardSystem({ llm: { reply } });
});

afterAll(async () => {
  await system?.stop();
});

const today = () => new Date().toISOString().slice(0, 10);
const thisMonth = () => today().slice(0, 7);
const monthTitle = (month: string) => new Date(`${month}-01T00:00:00Z`).toLocaleDateString('en-US', { month: 'long', year: 'numeric', timeZone: 'UTC' });

/** The team a new user owns, read off the home screen's heading. */
async function ownTeamOnHome(page: Page, name: string): Promise<string> {
  await system.signInLocally(page, name);
  const heading = await page.getByRole('heading', { name: /^Team \S+ · Owner$/ }).innerText();
  return heading.split(' ')[1]!;
}

/** This month's usage as the coordinator's ledger leaves it: the month's row, and the days that add up to it. */
async function recordUsage(tenant: string, days: Array<{ day: string; sessionHours: number; llmTokens: number; sttSeconds: number; ttsChars: number; toolCalls: number }>) {
  const { db, close } = createDb(process.env.DATABASE_URL!, { max: 1 });
  try {
    const sum = (key: 'sessionHours' | 'llmTokens' | 'sttSeconds' | 'ttsChars' | 'toolCalls') => days.reduce((s, d) => s + d[key], 0);
    await db.insert(usageRecords).values({ tenantId: tenant, period: thisMonth(), sessionHours: sum('sessionHours'), llmTokens: sum('llmTokens'), sttSeconds: sum('sttSeconds'), ttsChars: sum('ttsChars'), toolCalls: sum('toolCalls') });
    await db.insert(usageDays).values(days.map((d) => ({ tenantId: tenant, ...d })));
  } finally {
    await close();
  }
}

describe('home and usage in Chromium', () => {
  it("shows an owner the month against the team's quota on home, and day by day on the usage screen, charts, table and CSV alike", async () => {
    const { page, errors } = await system.newPage();
    const tenant = await ownTeamOnHome(page, 'Orla the Owner');
    // A new team: nothing runs, nothing ended, and each says what to do next.
    const team = page.getByRole('region', { name: new RegExp(`^Team ${tenant}`) });
    await team.getByText('Nothing is running').waitFor();
    await team.getByText('No session has ended yet').waitFor();
    await team.getByText(/no monthly limit/).waitFor();

    expect((await system.api('PUT', `/tenants/${tenant}`, { monthly_session_hours: 10 })).status).toBe(200);
    const first = `${thisMonth()}-01`;
    const days = [{ day: today(), sessionHours: 2, llmTokens: 24_000, sttSeconds: 5400, ttsChars: 7000, toolCalls: 36 }];
    if (first !== today()) days.unshift({ day: first, sessionHours: 0.5, llmTokens: 6_500, sttSeconds: 1200, ttsChars: 1800, toolCalls: 4 });
    await recordUsage(tenant, days);
    const hours = days.reduce((s, d) => s + d.sessionHours, 0);
    await page.reload();
    const meter = team.getByRole('meter', { name: `Session hours used this month by ${tenant}` });
    expect(await meter.getAttribute('aria-valuenow')).toBe(String(hours));
    expect(await meter.getAttribute('aria-valuemax')).toBe('10');
    await team.getByText(`${hours} h of 10 h used`).waitFor();
    await team.getByText(`· ${10 - hours} h left`).waitFor();
    expect(await seriousViolations(page)).toEqual([]);

    await team.getByRole('link', { name: `Usage of ${tenant}` }).click();
    await page.getByRole('heading', { name: 'Usage', exact: true }).waitFor();
    await page.getByText(monthTitle(thisMonth()), { exact: true }).waitFor();
    const tokens = days.reduce((s, d) => s + d.llmTokens, 0);
    const chart = page.getByRole('region', { name: 'LLM tokens' });
    await chart.getByText(`${tokens.toLocaleString('en-US')} tokens`).waitFor();
    const calls = days.reduce((s, d) => s + d.toolCalls, 0);
    await page.getByRole('region', { name: 'NPC tool calls' }).getByText(`${calls} calls`).waitFor();
    // A bar for each day that used something (Recharts draws none for zeros).
    const bars = page.locator('.recharts-bar-rectangle path');
    await until('the bars drawn', async () => ((await chart.locator('.recharts-bar-rectangle path').count()) === days.length ? true : undefined));
    expect(await bars.count()).toBe(days.length * 5);
    await page.getByText('The figures, day by day').click();
    const todayRow = page.getByRole('row', { name: new RegExp(`^${new Date(`${today()}T00:00:00Z`).toLocaleDateString('en-US', { day: 'numeric', month: 'short', timeZone: 'UTC' })} `) });
    expect(await todayRow.getByRole('cell').allInnerTexts()).toEqual(['2 h', '24,000 tokens', '5,400 s', '7,000 characters', '36 calls']);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshotEachWidth(page, SHOTS, 'usage');

    // The CSV is the edge's export of the same days, saved under its name.
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export CSV' }).click();
    const file = await download;
    const span = `${first}_${new Date(Date.UTC(Number(first.slice(0, 4)), Number(first.slice(5, 7)), 0)).toISOString().slice(0, 10)}`;
    expect(file.suggestedFilename()).toBe(`usage-${tenant}-${span}.csv`);
    const csv = readFileSync((await file.path())!, 'utf8').split('\r\n');
    expect(csv[0]).toBe('period,session_hours,llm_tokens,stt_seconds,tts_chars,tool_calls,quota_hours,remaining_hours');
    expect(csv).toContain(`${today()},2,24000,5400,7000,36,,`);

    // Last month had nothing, and the screen says how usage comes; there is no next month yet.
    await page.getByRole('link', { name: /^Previous month/ }).click();
    await page.getByText(/^Nothing was used in /).waitFor();
    expect(await bars.count()).toBe(0);
    await page.getByRole('link', { name: /^Next month/ }).click();
    await page.getByRole('button', { name: 'Next month (not yet)' }).waitFor();
    expect(errors).toEqual([]);
  });
});

describe('sessions in Chromium', () => {
  it('lets an owner start a browser session in a server the bot sees, watch its lines stream in live, search them, stop it from home, and find it in the filtered history', async () => {
    const tenant = await system.tenantWithNode();
    const botToken = `bot.${crypto.randomUUID()}.token`;
    await system.discord.seedBotGuilds(botToken, [{ ...GUILD, channels: [{ ...VOICE, type: 2 }, { id: snowflake(), name: 'general', type: 0 }] }]);
    expect((await system.api('PUT', `/tenants/${tenant}`, { bot_token: botToken })).status).toBe(200);
    const { page, errors } = await system.newPage();
    const ownerId = await system.signInLocally(page, 'Tamsin the Owner');
    await system.addMember(tenant, ownerId, 'tenant_owner');

    await page.goto(`${system.edgeUrl}/teams/${tenant}/sessions`);
    await page.getByText('No sessions yet').waitFor();
    const form = page.getByRole('form', { name: 'Start a session' });
    await form.getByLabel('In the browser').check();
    // Only the guild's voice channels are offered, as Discord lists them for this bot.
    await form.getByLabel('Server').selectOption({ label: GUILD.name });
    await until('the channels', async () => ((await form.getByLabel('Voice channel of the table').locator('option').count()) > 1 ? true : undefined));
    expect(await form.getByLabel('Voice channel of the table').locator('option').allInnerTexts()).toEqual(['Pick a channel', VOICE.name]);
    await form.getByLabel('Voice channel of the table').selectOption({ label: VOICE.name });
    await form.getByLabel('Campaign').selectOption({ label: 'The Ironhold Commission' });
    await form.getByRole('button', { name: 'Start session' }).click();
    const joinHref = await form.getByRole('link', { name: 'Join it in a new tab' }).getAttribute('href');
    await page.waitForURL((url) => url.searchParams.has('session'));
    const sessionId = new URL(page.url()).searchParams.get('session');
    expect(joinHref).toContain(`/join/${sessionId}#`);
    const detail = page.getByRole('region', { name: /^Session started / });
    await detail.getByText('Live: lines appear as they are spoken.').waitFor();
    await detail.getByText('Nothing was said yet').waitFor();

    // A player joins by the link and speaks (typed); the owner's open page receives both lines over the live socket.
    const player = await system.newPage();
    await player.page.goto(joinHref!);
    await player.page.getByLabel('Your name').fill('Pip');
    await player.page.getByRole('button', { name: 'Join the conversation' }).click();
    await player.page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
    await player.page.getByLabel('Or type a line').fill(LINE);
    await player.page.getByRole('button', { name: 'Send line' }).click();
    await page.bringToFront();
    const transcript = detail.getByRole('list', { name: 'Transcript' });
    await transcript.getByText(ANSWER).waitFor({ timeout: 30_000 });
    const lines = await transcript.getByRole('listitem').allInnerTexts();
    expect(lines.map((l) => [l.split(/\s/)[0], l.split('\n').at(-1)])).toEqual([
      ['Pip', LINE],
      ['Grimjaw', ANSWER],
    ]);
    // Search narrows the lines and marks the words found.
    await detail.getByLabel('Search the transcript').fill('hammers');
    await detail.getByText('1 of 2 lines match “hammers”.').waitFor();
    expect(await transcript.locator('mark').allInnerTexts()).toEqual(['hammers']);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshotEachWidth(page, SHOTS, 'session-live');
    await detail.getByLabel('Search the transcript').fill('');

    // Home lists it live, with a stop button that ends it for the player too.
    await page.goto(`${system.edgeUrl}/`);
    const live = page.getByRole('list', { name: `Live sessions of ${tenant}` });
    await live.getByRole('link', { name: /^The Ironhold Commission · Running for / }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await screenshotEachWidth(page, SHOTS, 'home-live');
    await live.getByRole('button', { name: /^Stop/ }).click();
    const team = page.getByRole('region', { name: new RegExp(`^Team ${tenant}`) });
    await team.getByText('Nothing is running').waitFor();
    await page.getByRole('list', { name: `Recent sessions of ${tenant}` }).getByText(/ · stopped$/).waitFor();
    await player.page.getByText('The session has ended').waitFor();

    // The history, filtered by state and days; a filter that matches nothing says how to see everything.
    await page.goto(`${system.edgeUrl}/teams/${tenant}/sessions`);
    const filters = page.getByRole('form', { name: 'Filter sessions' });
    await filters.getByLabel('State').selectOption('ended');
    await page.waitForURL((url) => url.searchParams.get('state') === 'ended');
    await page.getByRole('link', { name: /^Ended session started/ }).waitFor();
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    await filters.getByLabel('Started from').fill(tomorrow);
    await page.getByText('No session matches').waitFor();
    await filters.getByRole('button', { name: 'Clear filters' }).click();
    await page.getByRole('link', { name: /^Ended session started/ }).click();
    await detail.getByRole('list', { name: 'Transcript' }).getByText(ANSWER).waitFor();
    expect(await detail.getByRole('button', { name: 'Stop session' }).count()).toBe(0);
    // Its recap, written by the team's model from the transcript.
    await detail.getByRole('button', { name: 'Recap' }).click();
    const recap = detail.getByRole('region', { name: 'Recap' });
    await recap.getByRole('heading', { name: 'Previously in The Ironhold Commission' }).waitFor();
    await recap.getByText(RECAP).waitFor();
    await recap.getByText("Written by your team's language model.").waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await screenshotEachWidth(page, SHOTS, 'sessions-history');

    // Its time reached the day's usage when it stopped.
    const usage = await system.api('GET', `/tenants/${tenant}/usage?granularity=day&from=${today()}`);
    expect(usage.body.periods[0].session_hours).toBeGreaterThan(0);

    // A viewer reads the history and transcripts but is offered no start and no stop.
    const viewer = await system.newPage();
    const viewerId = await system.signInLocally(viewer.page, 'Vale the Viewer');
    await system.addMember(tenant, viewerId, 'viewer');
    await viewer.page.goto(`${system.edgeUrl}/teams/${tenant}/sessions?session=${sessionId}`);
    await viewer.page.getByRole('list', { name: 'Transcript' }).getByText(ANSWER).waitFor();
    expect(await viewer.page.getByRole('form', { name: 'Start a session' }).count()).toBe(0);
    expect([...errors, ...player.errors, ...viewer.errors]).toEqual([]);
  });
});
