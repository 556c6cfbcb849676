import { describe, expect, it } from 'vitest';
import { joinLink, readJoinFragment } from './join-link.ts';

describe('join links', () => {
  it('carry the socket and token in the fragment only, and read back whole', () => {
    const audio = { url: 'ws://127.0.0.1:9000/audio/4f1c', token: 'tok/+=&x' };
    const link = new URL(joinLink('https://app.example', '4f1c', audio));
    expect(link.pathname).toBe('/join/4f1c');
    expect(link.search).toBe('');
    expect(readJoinFragment(link.hash)).toEqual(audio);
  });

  it('refuse a fragment that is missing a part or points anywhere but a WebSocket', () => {
    expect(readJoinFragment('')).toBeNull();
    expect(readJoinFragment('#url=ws%3A%2F%2Fx')).toBeNull();
    expect(readJoinFragment('#url=javascript%3Aalert(1)&token=t')).toBeNull();
  });
});
