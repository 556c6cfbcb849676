import { DurableObject } from 'cloudflare:workers';
import type { Bindings } from '../env.ts';

/** One per voice-node pool: the connected nodes and their capacity (the control-plane issue fills it in). */
export class Fleet extends DurableObject<Bindings> {}
