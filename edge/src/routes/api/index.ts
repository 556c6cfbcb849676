import { Hono } from 'hono';
import type { AppEnv } from '../../env.ts';
import { meRoutes } from './me.ts';

/** The dashboard's API under /api/v1. Its type is what the SPA's client is built from (Hono RPC). */
export const apiV1Routes = () => new Hono<AppEnv>().route('/', meRoutes());
export type ApiV1 = ReturnType<typeof apiV1Routes>;
