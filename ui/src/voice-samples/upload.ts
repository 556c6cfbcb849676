import { currentAccessToken, renewAccessToken } from '../api/access-token.ts';
import { errorFrom } from '../api/errors.ts';
import type { VoiceSample } from './voice-sample-queries.ts';

/**
 * Uploads a recording as the request body (POST …/voice-samples?name=), reporting how much
 * has gone up. XMLHttpRequest, not fetch: only it reports upload progress. Errors are the
 * edge's, as every other call's (`ApiRequestError`); an expired token is renewed once.
 */
export async function uploadVoiceSample(tenantId: string, name: string, file: File, onProgress: (fraction: number) => void): Promise<VoiceSample> {
  const url = `/api/v1/tenants/${encodeURIComponent(tenantId)}/voice-samples?name=${encodeURIComponent(name)}`;
  let res = await send(url, file, await currentAccessToken(), onProgress);
  if (res.status === 401) {
    const renewed = await renewAccessToken();
    if (renewed) res = await send(url, file, renewed, onProgress);
  }
  if (!res.ok) throw await errorFrom(res);
  return ((await res.json()) as { voice_sample: VoiceSample }).voice_sample;
}

function send(url: string, file: File, token: string | null, onProgress: (fraction: number) => void): Promise<Response> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    if (token) xhr.setRequestHeader('authorization', `Bearer ${token}`);
    xhr.setRequestHeader('content-type', 'application/octet-stream');
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    xhr.onload = () => resolve(new Response(xhr.status === 204 ? null : xhr.responseText, { status: xhr.status, statusText: xhr.statusText, headers: { 'content-type': xhr.getResponseHeader('content-type') ?? 'application/json' } }));
    xhr.onerror = () => reject(new TypeError('The upload could not reach the server'));
    xhr.send(file);
  });
}
