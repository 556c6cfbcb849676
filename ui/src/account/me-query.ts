import { queryOptions } from '@tanstack/react-query';
import type { InferResponseType } from 'hono/client';
import { api } from '../api/client.ts';

export type Me = InferResponseType<typeof api.me.$get>;
export type MemberRole = Me['memberships'][number]['role'];

/** The signed-in user and their tenants (GET /api/v1/me). */
export const meQuery = queryOptions({ queryKey: ['me'], queryFn: async (): Promise<Me> => (await api.me.$get()).json() });

/** A member's role as the dashboard names it. */
export const ROLE_NAMES: Record<MemberRole, string> = { tenant_owner: 'Owner', dm: 'Dungeon Master', viewer: 'Viewer' };
