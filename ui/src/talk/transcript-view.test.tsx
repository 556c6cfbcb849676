import type { TranscriptEntry } from '@glyphoxa/protocol';
import { cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { TranscriptView } from './transcript-view.tsx';

const line = (speaker_id: string, speaker_name: string, text: string, npc?: boolean): TranscriptEntry => ({ speaker_id, speaker_name, text, at: '2026-12-02T06:00:00.000Z', ...(npc ? { npc } : {}) });

afterEach(cleanup);

describe('the live transcript', () => {
  it('says what will appear while nothing has been said', () => {
    render(<TranscriptView lines={[]} empty="Nothing said yet." />);
    expect(within(screen.getByRole('log', { name: 'Transcript' })).getByText('Nothing said yet.')).toBeTruthy();
  });

  it('shows each line with its speaker, marks NPCs, and keeps one colour per speaker', () => {
    const lines = [line('p1', 'Ana', 'Grimjaw, what do you sell?'), line('npc-g', 'Grimjaw', 'Axes.', true), line('p1', 'Ana', 'Cheaper?')];
    render(<TranscriptView lines={lines} empty="" />);
    const items = within(screen.getByRole('log')).getAllByRole('listitem').filter((li) => li.textContent);
    expect(items.map((li) => li.querySelector('p')!.textContent)).toEqual(['Grimjaw, what do you sell?', 'Axes.', 'Cheaper?']);
    expect(within(items[1]!).getByText('NPC')).toBeTruthy();
    const colour = (li: HTMLElement) => li.querySelector('span')!.className;
    expect(colour(items[0]!)).toBe(colour(items[2]!));
    expect(colour(items[0]!)).not.toBe(colour(items[1]!));
  });
});
