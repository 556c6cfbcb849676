import * as v from 'valibot';
import { VoiceSampleViewSchema } from '../../views/voice-sample.ts';
import { TenantIdSchema } from '../admin-schemas.ts';

/** `/tenants/:id/voice-samples/:sampleId` */
export const VoiceSampleParamsSchema = v.object({ id: TenantIdSchema, sampleId: v.pipe(v.string(), v.uuid('must be a voice sample id (a uuid)')) });

/** POST /tenants/:id/voice-samples?name=: the recording is the raw body; its format is read from the bytes. */
export const UploadVoiceSampleQuerySchema = v.object({
  name: v.pipe(v.string(), v.trim(), v.minLength(1, 'must not be empty'), v.maxLength(100, 'must be at most 100 characters')),
});

export const VoiceSampleAnswer = v.object({ voice_sample: VoiceSampleViewSchema });
export const VoiceSamplesAnswer = v.object({ voice_samples: v.array(VoiceSampleViewSchema) });
export const DeletedVoiceSampleAnswer = v.object({ deleted: v.string() });
