import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startElevenLabsStandIn, type StandIn } from '../../providers/test/stand-ins/index.ts';
import { screenshotEachWidth, seriousViolations, unreachableByTab } from '../lib/dashboard-page.ts';
import { SHOTS, startDashboardSystem, until, type DashboardSystem } from '../lib/dashboard-system.ts';

/**
 * The voice samples screen and the NPC editor's voice preview in real Chromium against the real
 * system (scripts/lib/dashboard-system.ts): a recording made here with espeak-ng and sox goes up
 * with its progress shown, is cloned by the team's ElevenLabs (its stand-in), played and
 * deleted; the preview is spoken by the team's voice node, in the cloned voice (ElevenLabs'
 * stand-in) and in espeak-ng's, and the page receives and plays real audio; and a browser-audio
 * session started from the Sessions screen by a team with no Discord bot, on a real voice node.
 */

const XI_KEY = 'xi-dashboard-9c41';
const LINE = 'I am the actor who gives Grimjaw his gravel and his growl.';
const ANSWER = 'Axes and hammers, friend. Finest in Ironhold.';
/** What a preview says when the DM gives no line (edge/src/operations/voice-preview.ts). */
const PREVIEW_LINE = 'Well met, traveller. This is how I sound.';

const fixtures = mkdtempSync(join(tmpdir(), 'gx-voices-fixture-'));
let system: DashboardSystem;
let elevenLabs: StandIn;

/** A recording as a DM would make one: espeak-ng's line, resampled by sox (and padded past the 10 s limit when `tooLong`). */
function recording(name: string, tooLong = false): { path: string; seconds: number } {
  const raw = join(fixtures, `${name}-raw.wav`);
  const path = join(fixtures, `${name}.wav`);
  execFileSync('espeak-ng', ['-w', raw, LINE]);
  execFileSync('sox', [raw, '-r', '16000', '-c', '1', '-b', '16', path, ...(tooLong ? ['pad', '0', '10'] : [])]);
  return { path, seconds: Number(execFileSync('soxi', ['-D', path], { encoding: 'utf8' })) };
}

beforeAll(async () => {
  [system, elevenLabs] = await Promise.all([startDashboardSystem({ llm: { reply: () => ANSWER } }), startElevenLabsStandIn({ apiKey: XI_KEY })]);
}, 180_000);

afterAll(async () => {
  await system?.stop();
  await elevenLabs?.close();
  rmSync(fixtures, { recursive: true, force: true });
});

/** What an `<audio>` element got: the bytes behind its `src`, decoded by the page's own AudioContext, and whether it played. */
async function heard(audio: Locator): Promise<{ seconds: number; rms: number; played: boolean }> {
  return audio.evaluate(async (el: HTMLAudioElement) => {
    const bytes = await (await fetch(el.src)).arrayBuffer();
    const decoded = await new AudioContext().decodeAudioData(bytes);
    const samples = decoded.getChannelData(0);
    let sum = 0;
    for (const s of samples) sum += s * s;
    // autoPlay: playback starts by itself (the click was the gesture); wait for time to move.
    const played = el.currentTime > 0 || (await new Promise<boolean>((resolve) => el.addEventListener('timeupdate', () => el.currentTime > 0 && resolve(true))));
    return { seconds: decoded.duration, rms: Math.sqrt(sum / samples.length), played };
  });
}

/** Opens an NPC of the demo campaign in its editor. */
async function openNpc(page: Page, tenant: string, npc: RegExp): Promise<Locator> {
  await page.goto(`${system.edgeUrl}/teams/${tenant}/campaigns`);
  await page.getByRole('link', { name: /The Ironhold Commission/ }).click();
  await page.getByRole('link', { name: npc }).click();
  return page.getByRole('form', { name: 'NPC' });
}

describe('voice samples and the voice preview in Chromium', () => {
  it("uploads a recording with its progress (a too long one refused before it goes up), has ElevenLabs clone it, plays it, previews the cloned voice and espeak-ng's through the voice node, and deletes it with its clone; a viewer gets neither link nor list", async () => {
    const tenant = await system.tenantWithNode();
    const tts = await system.api('PUT', `/tenants/${tenant}/providers/tts`, { kind: 'elevenlabs', base_url: elevenLabs.url, model: 'eleven_flash_v2_5', api_key: XI_KEY });
    expect(tts.status).toBe(200);
    const { page, errors } = await system.newPage();
    const userId = await system.signInLocally(page, 'Edda the DM');
    await system.addMember(tenant, userId, 'dm');
    await page.goto(`${system.edgeUrl}/teams/${tenant}/campaigns`);
    await page.getByRole('navigation').getByRole('link', { name: 'Voice samples' }).click();
    await page.getByRole('heading', { name: 'Voice samples', exact: true }).waitFor();
    await page.getByText('No voice samples yet').waitFor();

    const form = page.getByRole('form', { name: 'Upload a voice sample' });
    await form.getByRole('button', { name: 'Upload sample' }).click();
    await form.getByText('Name must not be empty: say whose voice it is').waitFor();
    await form.getByLabel('Name').fill("Grimjaw's actor");
    // Past 10 s: the browser reads the length and says what to do, before a byte is sent.
    const long = recording('long', true);
    await form.getByLabel('Recording').setInputFiles(long.path);
    await form.getByRole('button', { name: 'Upload sample' }).click();
    await form.getByText(`Recording is ${long.seconds.toFixed(1)} s long; a sample must be 1.0 to 10.0 s: trim it and choose it again`).waitFor();
    expect(await form.getByLabel('Recording').getAttribute('aria-invalid')).toBe('true');

    // A slow uplink (Chromium's own throttling) so the upload is seen part way, as on a phone.
    const sample = recording('sample');
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 16 * 1024 });
    await form.getByLabel('Recording').setInputFiles(sample.path);
    await form.getByRole('button', { name: 'Upload sample' }).click();
    await form.getByText(/^Uploading… ([1-9]|[1-9]\d)%$/).waitFor();
    expect(Number(await form.getByLabel('Upload progress').getAttribute('value'))).toBeLessThan(1);
    // Seen part way: the rest goes up at full speed (the 110 KB recording took about 7 s at 16 KB/s).
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    const row = page.getByRole('list', { name: 'Voice samples' }).getByRole('listitem', { name: "Grimjaw's actor" });
    await row.getByText(/^WAV · \d+\.\d s · \d+ KB · 16000 Hz mono$/).waitFor({ timeout: 60_000 });
    expect(await form.getByLabel('Name').inputValue()).toBe('');
    // Cloned at once by the team's ElevenLabs; the list polls until it is ready.
    const cloned = await row.getByText(/^Cloned: use voice id \S+ with provider elevenlabs in an NPC's voice$/).textContent();
    const voiceId = /voice id (\S+)/.exec(cloned!)![1]!;
    expect(elevenLabs.requests.some((r) => r.path === '/v1/voices/add' && r.headers['xi-api-key'] === XI_KEY)).toBe(true);

    // Play fetches a signed URL; the browser loads the recording from it and plays it.
    await row.getByRole('button', { name: "Play Grimjaw's actor" }).click();
    const recorded = row.getByLabel("Recording of Grimjaw's actor");
    expect(await recorded.getAttribute('src')).toMatch(/\/media\/voice-samples\/.+\?expires=\d+&signature=/);
    const played = await heard(recorded);
    expect(played.seconds).toBeCloseTo(sample.seconds, 1);
    expect(played.rms).toBeGreaterThan(0.01);
    expect(played.played).toBe(true);
    expect(await seriousViolations(page)).toEqual([]);
    expect(await unreachableByTab(page)).toEqual([]);
    await screenshotEachWidth(page, SHOTS, 'voice-samples');

    // The cloned voice, previewed in the NPC editor: the voice node asks the team's ElevenLabs.
    const npc = await openNpc(page, tenant, /^Grimjaw/);
    // The voice picker offers the team's clones by name, and fills the voice with the chosen one.
    await npc.getByLabel('Cloned voice').selectOption({ label: "Grimjaw's actor" });
    expect(await npc.getByLabel('Voice provider').inputValue()).toBe('elevenlabs');
    expect(await npc.getByLabel('Voice ID').inputValue()).toBe(voiceId);
    await npc.getByLabel('Pitch').fill('15');
    await npc.getByRole('button', { name: 'Play voice preview' }).click();
    await npc.getByText('Pitch must be from -10 to 10').waitFor();
    expect(await npc.getByLabel('Voice preview').count()).toBe(0);
    await npc.getByLabel('Pitch').fill('0');
    await npc.getByRole('button', { name: 'Play voice preview' }).click();
    await npc.getByText('spoken by elevenlabs').waitFor({ timeout: 40_000 });
    const clonedPreview = await heard(npc.getByLabel('Voice preview'));
    expect(clonedPreview).toMatchObject({ played: true });
    // The stand-in speaks 10 ms of tone a character: the whole line came back, as a WAV the page decodes.
    expect(clonedPreview.seconds).toBeCloseTo(PREVIEW_LINE.length / 100, 2);
    expect(clonedPreview.rms).toBeGreaterThan(0.01);
    const speech = elevenLabs.requests.filter((r) => r.path === `/v1/text-to-speech/${voiceId}/stream`);
    expect(speech.at(-1)?.body).toMatchObject({ text: PREVIEW_LINE });

    // espeak-ng, which only the node has, for a voice of provider espeak.
    await npc.getByLabel('Voice provider').fill('espeak');
    await npc.getByLabel('Voice ID').fill('en-gb');
    await npc.getByLabel('Pitch').fill('-4');
    await npc.getByRole('button', { name: 'Play voice preview' }).click();
    await npc.getByText('spoken by espeak').waitFor({ timeout: 40_000 });
    const local = await heard(npc.getByLabel('Voice preview'));
    // "Well met, traveller. This is how I sound." at espeak-ng's pace: a couple of seconds.
    expect(local.seconds).toBeGreaterThan(1);
    expect(local.seconds).toBeLessThanOrEqual(8);
    expect(local.rms).toBeGreaterThan(0.01);
    expect(local.played).toBe(true);
    expect(elevenLabs.requests.filter((r) => r.path.startsWith('/v1/text-to-speech/')).length).toBe(speech.length);
    expect(await seriousViolations(page)).toEqual([]);
    expect(await unreachableByTab(page)).toEqual([]);
    await screenshotEachWidth(page, SHOTS, 'npc-voice-preview');

    // Deleting the sample deletes its clone at ElevenLabs.
    await page.goto(`${system.edgeUrl}/teams/${tenant}/settings/voice-samples`);
    await row.getByRole('button', { name: "Delete the sample Grimjaw's actor" }).click();
    await row.getByText('Its cloned voice is deleted at ElevenLabs too').waitFor();
    await row.getByRole('button', { name: "Yes, delete the sample Grimjaw's actor" }).click();
    await page.getByText('No voice samples yet').waitFor();
    // Gone at the edge too, not only from the page's list.
    await page.reload();
    await page.getByText('No voice samples yet').waitFor();
    await until('the clone to be deleted', async () => (elevenLabs.requests.some((r) => r.method === 'DELETE' && r.path === `/v1/voices/${voiceId}`) ? true : undefined));
    expect(errors).toEqual([]);

    const viewer = await system.newPage();
    const viewerId = await system.signInLocally(viewer.page, 'Fenn the Viewer');
    await system.addMember(tenant, viewerId, 'viewer');
    await viewer.page.goto(`${system.edgeUrl}/teams/${tenant}/campaigns`);
    await viewer.page.getByRole('heading', { name: 'Campaigns', exact: true }).waitFor();
    expect(await viewer.page.getByRole('navigation').getByRole('link', { name: 'Voice samples' }).count()).toBe(0);
    await viewer.page.goto(`${system.edgeUrl}/teams/${tenant}/settings/voice-samples`);
    await viewer.page.getByText("Only the team's owners and DMs upload and hear voice samples").waitFor();
    // Nor a preview button in the NPC editor: a viewer only reads the NPC.
    const viewerNpc = await openNpc(viewer.page, tenant, /^Grimjaw/);
    await viewerNpc.getByLabel('Voice provider').waitFor();
    expect(await viewerNpc.getByRole('button', { name: 'Play voice preview' }).count()).toBe(0);
    expect(viewer.errors).toEqual([]);
  });
});

describe('a browser session without Discord in Chromium', () => {
  it('starts from the Sessions screen for a team with no bot (no server asked for), a player talks by its link, the DM sees the lines live, stops it and finds it in the history', async () => {
    const tenant = await system.tenantWithNode();
    const { page, errors } = await system.newPage();
    const dmId = await system.signInLocally(page, 'Orla the DM');
    await system.addMember(tenant, dmId, 'dm');
    await page.goto(`${system.edgeUrl}/teams/${tenant}/sessions`);
    await page.getByText('No sessions yet').waitFor();
    const form = page.getByRole('form', { name: 'Start a session' });
    // With no bot the browser is chosen, and no server or channel is asked for.
    await form.getByText('The team has no Discord bot: the session is a table of its own in the browser.', { exact: false }).waitFor();
    expect(await form.getByLabel('In the browser').isChecked()).toBe(true);
    expect(await form.getByLabel('Server').count()).toBe(0);
    // Discord says what is missing, and cannot be started.
    await form.getByLabel('In a Discord voice channel').check();
    await form.getByText("The team has no Discord bot yet, and a Discord session needs its server and voice channel. Add the bot's token in the team's settings, or start the session in the browser.").waitFor();
    expect(await form.getByRole('button', { name: 'Start session' }).isDisabled()).toBe(true);
    await form.getByLabel('In the browser').check();
    expect(await seriousViolations(page)).toEqual([]);
    expect(await unreachableByTab(page)).toEqual([]);
    await form.getByRole('button', { name: 'Start session' }).click();
    const joinHref = await form.getByRole('link', { name: 'Join it in a new tab' }).getAttribute('href', { timeout: 60_000 });
    await page.waitForURL((url) => url.searchParams.has('session'));
    const sessionId = new URL(page.url()).searchParams.get('session')!;
    expect(joinHref).toContain(`/join/${sessionId}#`);
    // Filed as a browser table of its own, on the team's voice node.
    const sessionOf = async () => (await system.api('GET', `/tenants/${tenant}/sessions`)).body.sessions.find((s: { id: string }) => s.id === sessionId);
    const session = await sessionOf();
    expect(session).toMatchObject({ state: 'active', started_by: `user:${dmId}` });
    expect(session.guild_id).toMatch(/^browser-[0-9a-f-]{36}$/);
    expect(session.channel_id).toBe(session.guild_id);
    const detail = page.getByRole('region', { name: /^Session started / });
    await detail.getByText('Live: lines appear as they are spoken.').waitFor();

    const player = await system.newPage();
    await player.page.goto(joinHref!);
    await player.page.getByLabel('Your name').fill('Pip');
    await player.page.getByRole('button', { name: 'Join the conversation' }).click();
    await player.page.getByRole('status').filter({ hasText: 'Live' }).waitFor({ timeout: 30_000 });
    await player.page.getByLabel('Or type a line').fill('Grimjaw, what do you sell?');
    await player.page.getByRole('button', { name: 'Send line' }).click();
    await player.page.getByRole('log', { name: 'Transcript' }).getByText(ANSWER).waitFor({ timeout: 30_000 });
    await page.bringToFront();
    const transcript = detail.getByRole('list', { name: 'Transcript' });
    await transcript.getByText(ANSWER).waitFor({ timeout: 30_000 });
    expect((await transcript.getByRole('listitem').allInnerTexts()).map((l) => l.split('\n').at(-1))).toEqual(['Grimjaw, what do you sell?', ANSWER]);
    await screenshotEachWidth(page, SHOTS, 'session-browser');

    await detail.getByRole('button', { name: 'Stop session' }).click();
    await player.page.getByText('The session has ended').waitFor();
    await until('the session to end', async () => ((await sessionOf()).state === 'ended' ? true : undefined));
    await page.getByRole('link', { name: /^Ended session started/ }).waitFor();
    expect([...errors, ...player.errors]).toEqual([]);
  });
});
