import { ROLE_NAMES, type MemberRole } from '../account/me-query.ts';

/** The roles a member can have, as `<option>`s, in the API's order of power. */
export function RoleOptions() {
  return (Object.keys(ROLE_NAMES) as MemberRole[]).map((role) => (
    <option key={role} value={role}>
      {ROLE_NAMES[role]}
    </option>
  ));
}

export const SELECT_CLASS = 'h-10 rounded-md border border-input bg-background px-3 text-sm disabled:opacity-50';
