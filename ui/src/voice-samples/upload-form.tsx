import { useId, useState } from 'react';
import { useForm } from 'react-hook-form';
import { SAMPLE_LIMITS } from '../../../edge/src/voice-samples/probe.ts';
import { Input } from '../components/ui/input.tsx';
import { showApiFieldError } from '../forms/api-field-error.ts';
import { Field } from '../forms/field.tsx';
import { FormFooter } from '../forms/form-footer.tsx';
import { recordingDurationMs } from './recording-duration.ts';
import { uploadVoiceSample } from './upload.ts';

interface UploadForm {
  name: string;
  file: FileList | null;
}

const megabytes = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
const seconds = (ms: number) => (ms / 1000).toFixed(1);
/** The edge names `name` or `file`. */
const fieldOf = (path: string) => (path === 'name' ? 'name' : 'file');

/**
 * A recording up to the edge, with its progress. The limits the edge enforces (edge/src/voice-samples/probe.ts)
 * are checked here first where the browser can (size, and length where it decodes the file), so a DM hears at
 * once what to fix; the edge reads the bytes and has the last word.
 */
export function UploadVoiceSampleForm({ tenantId, onUploaded }: { tenantId: string; onUploaded: () => Promise<void> }) {
  const id = useId();
  const [failure, setFailure] = useState<unknown>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const { register, handleSubmit, setError, reset, formState } = useForm<UploadForm>({ defaultValues: { name: '', file: null } });
  const { errors, isSubmitting } = formState;
  const submit = handleSubmit(async ({ name, file: files }) => {
    setFailure(null);
    const file = files?.[0];
    if (!name.trim()) return setError('name', { message: 'must not be empty: say whose voice it is' }, { shouldFocus: true });
    if (!file) return setError('file', { message: 'is missing: choose a WAV or MP3 recording' }, { shouldFocus: true });
    if (file.size > SAMPLE_LIMITS.maxBytes) return setError('file', { message: `is ${megabytes(file.size)} MB; a sample may be at most ${megabytes(SAMPLE_LIMITS.maxBytes)} MB` }, { shouldFocus: true });
    const ms = await recordingDurationMs(file);
    if (ms !== null && (ms < SAMPLE_LIMITS.minDurationMs || ms > SAMPLE_LIMITS.maxDurationMs)) {
      return setError('file', { message: `is ${seconds(ms)} s long; a sample must be ${seconds(SAMPLE_LIMITS.minDurationMs)} to ${seconds(SAMPLE_LIMITS.maxDurationMs)} s: trim it and choose it again` }, { shouldFocus: true });
    }
    setProgress(0);
    try {
      await uploadVoiceSample(tenantId, name.trim(), file, setProgress);
      reset();
      await onUploaded();
    } catch (error) {
      if (!showApiFieldError(error, setError, fieldOf)) setFailure(error);
    } finally {
      setProgress(null);
    }
  });
  return (
    <form onSubmit={submit} noValidate className="flex flex-col gap-4" aria-label="Upload a voice sample">
      <div className="grid gap-4 sm:grid-cols-2">
        <Field id={`${id}-name`} label="Name" hint="Whose voice it is, e.g. Grimjaw's actor" error={errors.name}>
          {(aria) => <Input {...aria} {...register('name')} />}
        </Field>
        <Field id={`${id}-file`} label="Recording" hint="A WAV or MP3 file, 1 to 10 seconds of one voice, at most 10 MB" error={errors.file}>
          {(aria) => <Input type="file" accept=".wav,.mp3,audio/wav,audio/x-wav,audio/mpeg" className="h-auto py-2" {...aria} {...register('file')} />}
        </Field>
      </div>
      {progress !== null && (
        <div className="flex items-center gap-3 text-sm">
          <progress className="h-2 w-48" max={1} value={progress} aria-label="Upload progress" />
          <span>{progress < 1 ? `Uploading… ${Math.round(progress * 100)}%` : 'Checking the recording…'}</span>
        </div>
      )}
      <FormFooter failure={failure} label="Upload sample" pending={isSubmitting} />
    </form>
  );
}
