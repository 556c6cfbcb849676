import { DurableObject } from 'cloudflare:workers';
import type { Bindings } from '../env.ts';

/** One per tenant: the single writer of its live sessions (the control-plane issue fills it in). */
export class TenantCoordinator extends DurableObject<Bindings> {}
