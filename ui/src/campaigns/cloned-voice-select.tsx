import { useQuery } from '@tanstack/react-query';
import { useId } from 'react';
import { Label } from '../components/ui/label.tsx';
import { SELECT_CLASS } from '../settings/role-options.tsx';
import { voiceSamplesQuery } from '../voice-samples/voice-sample-queries.ts';

/**
 * The NPC editor's voice picker: the team's voice samples that ElevenLabs has cloned, by the
 * name the DM gave them. Picking one puts its voice (provider elevenlabs, the clone's id) in
 * the form; `current` is the form's voice id, so the picker shows the sample it came from.
 */
export function ClonedVoiceSelect({ tenantId, current, onPick }: { tenantId: string; current: string; onPick: (voiceId: string) => void }) {
  const id = useId();
  const samples = useQuery(voiceSamplesQuery(tenantId));
  const cloned = (samples.data ?? []).flatMap((s) => (s.status === 'ready' && s.provider_voice_id ? [{ name: s.name, voiceId: s.provider_voice_id }] : []));
  const picked = cloned.some((c) => c.voiceId === current) ? current : '';
  return (
    <div className="flex flex-col gap-2 sm:col-span-2">
      <Label htmlFor={id}>Cloned voice</Label>
      <select id={id} className={SELECT_CLASS} value={picked} disabled={cloned.length === 0} aria-describedby={`${id}-hint`} onChange={(e) => e.currentTarget.value && onPick(e.currentTarget.value)}>
        <option value="">{samples.isPending ? 'Loading the team’s voice samples…' : cloned.length ? 'None: the voice set below' : 'No cloned voice yet'}</option>
        {cloned.map((c) => (
          <option key={c.voiceId} value={c.voiceId}>
            {c.name}
          </option>
        ))}
      </select>
      <p id={`${id}-hint`} className="text-xs text-muted-foreground">
        {samples.error
          ? `The team's voice samples could not be read: ${samples.error.message}. Type the voice below instead.`
          : cloned.length
            ? 'Picking one sets the provider to elevenlabs and the voice ID to its clone.'
            : "Upload a voice sample under Voice samples, with ElevenLabs as the team's text to speech, to clone a voice for your NPCs."}
      </p>
    </div>
  );
}
