import { hc } from 'hono/client';
import type { ApiV1 } from '../../../edge/src/routes/api/index.ts';
import { apiFetch } from './http.ts';

/** The edge's /api/v1, typed from its routes (Hono RPC): paths, inputs and answers are never written twice. */
export const api = hc<ApiV1>(`${location.origin}/api/v1`, { fetch: apiFetch });
