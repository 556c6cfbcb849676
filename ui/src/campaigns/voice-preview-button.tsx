import { Volume2 } from 'lucide-react';
import { useEffect, useState } from 'react';
import { api } from '../api/client.ts';
import { FailureAlert } from '../components/states/failure-alert.tsx';
import { Button } from '../components/ui/button.tsx';

export interface PreviewVoice {
  provider: string;
  voice_id: string;
  pitch: number;
  speed: number;
}

/**
 * Plays a line in the voice as the form holds it now, before it is saved: POST …/voice-preview,
 * spoken by a voice node of the team (its TTS, or espeak-ng). `check` validates the voice's
 * fields first and returns it, or null when a field shows an error; `onFieldError` puts the
 * edge's refusal beside the field it names, true when it did.
 */
export function VoicePreviewButton({ tenantId, check, onFieldError }: { tenantId: string; check: () => Promise<PreviewVoice | null>; onFieldError: (error: unknown) => boolean }) {
  const [pending, setPending] = useState(false);
  const [audio, setAudio] = useState<{ url: string; spokenBy: string } | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  // Each recording is a blob URL: let it go once it is replaced or the form is left.
  useEffect(() => () => {
    if (audio) URL.revokeObjectURL(audio.url);
  }, [audio]);
  const play = async () => {
    setFailure(null);
    const voice = await check();
    if (!voice) return;
    setPending(true);
    try {
      const res = await api.tenants[':id']['voice-preview'].$post({ param: { id: tenantId }, json: { voice } });
      setAudio({ url: URL.createObjectURL(await res.blob()), spokenBy: res.headers.get('x-voice-spoken-by') ?? 'the voice node' });
    } catch (error) {
      if (!onFieldError(error)) setFailure(error);
    } finally {
      setPending(false);
    }
  };
  return (
    <div className="flex flex-col gap-2 sm:col-span-2">
      <div className="flex flex-wrap items-center gap-3">
        <Button type="button" variant="outline" onClick={() => void play()} disabled={pending}>
          <Volume2 className="size-4" aria-hidden="true" /> {pending ? 'Speaking…' : 'Play voice preview'}
        </Button>
        {audio && (
          <>
            <audio key={audio.url} controls autoPlay src={audio.url} aria-label="Voice preview" className="h-10 max-w-full" />
            <span className="text-sm text-muted-foreground">spoken by {audio.spokenBy}</span>
          </>
        )}
      </div>
      <FailureAlert failure={failure} fallback="The preview failed" />
    </div>
  );
}
