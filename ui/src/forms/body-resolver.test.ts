import { describe, expect, it } from 'vitest';
import { NpcBody } from '../campaigns/campaign-body.ts';
import { bodyResolver } from './body-resolver.ts';
import { linesOf } from './text-lists.ts';

const form = { name: 'Marrow', aliases: 'Marrow\n\n the ferryman ', provider: 'espeak', voice_id: 'en', pitch: 15 };
const toBody = (f: typeof form) => ({ name: f.name, aliases: linesOf(f.aliases), voice: { provider: f.provider, voice_id: f.voice_id, pitch: f.pitch } });
const resolver = bodyResolver(NpcBody, toBody, (path) => (path.startsWith('voice.') ? path : path.split('.')[0]!));
const resolve = (values: typeof form) => resolver(values, undefined, { fields: {}, shouldUseNativeValidation: false });

describe('a form checked with the API body schema', () => {
  it('puts each refusal on the field its path names, in the schema’s words', async () => {
    const { errors } = await resolve(form);
    expect(errors).toMatchObject({ voice: { pitch: { type: 'max_value', message: 'must be from -10 to 10' } } });
    expect(Object.keys(errors)).toEqual(['voice']);
  });

  it('hands the submit handler the body the edge will take', async () => {
    const { values, errors } = await resolve({ ...form, pitch: -3 });
    expect(errors).toEqual({});
    expect(values).toEqual({ name: 'Marrow', aliases: ['Marrow', 'the ferryman'], voice: { provider: 'espeak', voice_id: 'en', pitch: -3 } });
  });

  it('refuses a field the API does not know, as the edge’s strict body does', async () => {
    const strict = bodyResolver(NpcBody, (f: typeof form) => ({ ...toBody(f), colour: 'red' }), (path) => path);
    const { errors } = await strict({ ...form, pitch: 0 }, undefined, { fields: {}, shouldUseNativeValidation: false });
    expect(Object.keys(errors)).toEqual(['colour']);
  });
});
