import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { encodeWav } from '../src/wav.ts';
import { elevenLabsVoiceCloner } from '../src/voice-clone/elevenlabs.ts';
import { endpoint, FAST, KEY, loadElevenLabs, providerError } from './helpers.ts';
import { type MultipartBody, type StandIn, startElevenLabsStandIn, toneFor } from './stand-ins/index.ts';

const recording = { bytes: encodeWav(toneFor('Well met, traveller.'), 16_000), filename: 'grimjaw.wav', contentType: 'audio/wav' };

describe('ElevenLabs voice cloning', () => {
  let standIn: StandIn;
  beforeAll(loadElevenLabs);
  beforeEach(async () => {
    standIn = await startElevenLabsStandIn({ apiKey: KEY });
  });
  afterEach(() => standIn.close());

  const cloner = () => elevenLabsVoiceCloner(endpoint('elevenlabs', standIn.url), FAST);

  it('adds a voice from the recording (multipart name and files) and deletes it again', async () => {
    const voiceId = await cloner().add('Grimjaw', recording, 'A gruff dwarf smith');
    const [added] = standIn.requests;
    expect(added).toMatchObject({ method: 'POST', path: '/v1/voices/add', headers: { 'xi-api-key': KEY } });
    const form = added!.body as MultipartBody;
    expect(form.fields).toMatchObject({ name: 'Grimjaw', description: 'A gruff dwarf smith' });
    expect(form.files.files).toMatchObject({ name: 'grimjaw.wav', type: 'audio/wav' });
    expect(form.files.files!.bytes).toEqual(recording.bytes);

    expect(await cloner().remove(voiceId)).toBe(true);
    expect(standIn.requests.at(-1)).toMatchObject({ method: 'DELETE', path: `/v1/voices/${voiceId}` });
    // Gone at the vendor: a second delete finds nothing, and says so.
    expect(await cloner().remove(voiceId)).toBe(false);
  });

  it("fails with the vendor's reason, and never adds twice", async () => {
    standIn.fail({ status: 422, message: 'The audio is too noisy to clone a voice from.' }, { status: 503 });
    const error = await providerError(cloner().add('Grimjaw', recording));
    expect(error.message).toContain('The audio is too noisy to clone a voice from.');
    expect(error.status).toBe(422);
    const unavailable = await providerError(cloner().add('Grimjaw', recording));
    expect(unavailable.status).toBe(503);
    expect(standIn.requests.filter((r) => r.path === '/v1/voices/add')).toHaveLength(2);
  });
});
