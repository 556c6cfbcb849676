import { useQueryClient, useSuspenseQuery } from '@tanstack/react-query';
import { createLazyRoute, useParams } from '@tanstack/react-router';
import { AudioLines, Play } from 'lucide-react';
import { useState } from 'react';
import { canManage, useTenantRole } from '../account/tenant-role.ts';
import { ConfirmDelete } from '../components/confirm-delete.tsx';
import { TeamNav } from '../components/layout/team-nav.tsx';
import { EmptyState } from '../components/states/empty-state.tsx';
import { FailureAlert } from '../components/states/failure-alert.tsx';
import { Alert } from '../components/ui/alert.tsx';
import { Button } from '../components/ui/button.tsx';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../components/ui/card.tsx';
import { UploadVoiceSampleForm } from '../voice-samples/upload-form.tsx';
import { deleteVoiceSample, sampleAudioUrl, voiceSampleKeys, voiceSamplesQuery, type VoiceSample } from '../voice-samples/voice-sample-queries.ts';

/** A team's recordings for cloned NPC voices (owners and DMs, as the edge's voice_samples.manage). */
function VoiceSamples() {
  const { tenantId } = useParams({ from: '/signed-in/teams/$tenantId/settings/voice-samples' });
  const role = useTenantRole(tenantId);
  return (
    <>
      <TeamNav tenantId={tenantId} />
      <h1 className="text-2xl font-semibold">Voice samples</h1>
      {canManage(role) ? <Samples tenantId={tenantId} /> : <Alert>Only the team's owners and DMs upload and hear voice samples. Ask one of them.</Alert>}
    </>
  );
}

function Samples({ tenantId }: { tenantId: string }) {
  const { data: samples } = useSuspenseQuery(voiceSamplesQuery(tenantId));
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries({ queryKey: voiceSampleKeys.list(tenantId) });
  return (
    <>
      <p className="text-sm text-muted-foreground">
        A short recording of one voice. With ElevenLabs as the team's text to speech it is cloned at once, and the cloned voice's id goes in an NPC's voice.
      </p>
      {samples.length === 0 ? (
        <EmptyState icon={AudioLines} title="No voice samples yet">
          Upload 1 to 10 seconds of someone speaking clearly, alone, without music. Set ElevenLabs as the team's text to speech first to have it cloned.
        </EmptyState>
      ) : (
        <ul aria-label="Voice samples" className="divide-y rounded-md border">
          {samples.map((sample) => (
            <SampleRow key={sample.id} tenantId={tenantId} sample={sample} onDeleted={refresh} />
          ))}
        </ul>
      )}
      <Card>
        <CardHeader>
          <CardTitle>Upload a sample</CardTitle>
          <CardDescription>Its format and length are read from the file itself.</CardDescription>
        </CardHeader>
        <CardContent>
          <UploadVoiceSampleForm tenantId={tenantId} onUploaded={refresh} />
        </CardContent>
      </Card>
    </>
  );
}

const STATUS: Record<VoiceSample['status'], (s: VoiceSample) => string> = {
  uploaded: () => "Stored, not cloned: cloning needs ElevenLabs as the team's text to speech",
  processing: () => 'Cloning at ElevenLabs…',
  ready: (s) => `Cloned: use voice id ${s.provider_voice_id} with provider elevenlabs in an NPC's voice`,
  failed: (s) => `Cloning failed: ${s.error ?? 'no reason given'}. Delete it and upload a clearer recording, or check the ElevenLabs key`,
};

function SampleRow({ tenantId, sample, onDeleted }: { tenantId: string; sample: VoiceSample; onDeleted: () => Promise<void> }) {
  const [audioUrl, setAudioUrl] = useState<string | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const play = async () => {
    setFailure(null);
    try {
      setAudioUrl(await sampleAudioUrl(tenantId, sample.id));
    } catch (error) {
      setFailure(error);
    }
  };
  return (
    <li className="flex flex-col gap-2 p-3 text-sm" aria-label={sample.name}>
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <span className="font-medium">{sample.name}</span>
        <span className="text-muted-foreground">
          {sample.format.toUpperCase()} · {(sample.duration_ms / 1000).toFixed(1)} s · {Math.max(1, Math.round(sample.file_size / 1024))} KB · {sample.sample_rate} Hz {sample.channels === 1 ? 'mono' : `${sample.channels} channels`}
        </span>
      </div>
      <p className={sample.status === 'failed' ? 'text-destructive' : 'text-muted-foreground'}>{STATUS[sample.status](sample)}</p>
      <div className="flex flex-wrap items-center gap-2">
        {audioUrl ? (
          <audio controls autoPlay src={audioUrl} aria-label={`Recording of ${sample.name}`} className="h-10 max-w-full" />
        ) : (
          <Button variant="outline" onClick={() => void play()}>
            <Play className="size-4" aria-hidden="true" /> Play {sample.name}
          </Button>
        )}
      </div>
      <FailureAlert failure={failure} fallback="Loading the recording failed" />
      {sample.status !== 'processing' && (
        <ConfirmDelete
          what={`the sample ${sample.name}`}
          consequence={sample.provider_voice_id ? 'Its cloned voice is deleted at ElevenLabs too; NPCs using it fall silent until given another.' : 'Its recording is deleted.'}
          onDelete={async () => {
            await deleteVoiceSample(tenantId, sample.id);
            await onDeleted();
          }}
        />
      )}
    </li>
  );
}

export const route = createLazyRoute('/signed-in/teams/$tenantId/settings/voice-samples')({ component: VoiceSamples });
