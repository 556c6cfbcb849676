import { useMutation, useQueryClient, useSuspenseQuery } from '@tanstack/react-query';
import { createLazyRoute, useParams } from '@tanstack/react-router';
import { meQuery, ROLE_NAMES, type MemberRole } from '../account/me-query.ts';
import { useTenantRole } from '../account/tenant-role.ts';
import { api } from '../api/client.ts';
import { ConfirmDelete } from '../components/confirm-delete.tsx';
import { TeamNav } from '../components/layout/team-nav.tsx';
import { FailureAlert } from '../components/states/failure-alert.tsx';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../components/ui/card.tsx';
import { InviteFormCard } from '../settings/invite-form.tsx';
import { memberKeys, teamQuery, type Invite, type Member } from '../settings/member-queries.ts';
import { RoleOptions, SELECT_CLASS } from '../settings/role-options.tsx';

const FROM = '/signed-in/teams/$tenantId/settings/team';

/** A team's members and pending invites; its owners (the edge's members.manage) invite, change roles and remove. */
function TeamScreen() {
  const { tenantId } = useParams({ from: FROM });
  const { data: team } = useSuspenseQuery(teamQuery(tenantId));
  const owner = useTenantRole(tenantId) === 'tenant_owner';
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries({ queryKey: memberKeys.team(tenantId) });
  return (
    <>
      <TeamNav tenantId={tenantId} />
      <h1 className="text-2xl font-semibold">Team</h1>
      <ul aria-label="Members" className="divide-y rounded-md border">
        {team.members.map((member) => (
          <MemberRow key={member.user_id} tenantId={tenantId} member={member} manage={owner} onChange={refresh} />
        ))}
      </ul>
      {!owner && <p className="text-sm text-muted-foreground">Only the team's owners invite, change roles and remove members.</p>}
      {owner && (
        <>
          {team.invites.length > 0 && (
            <section aria-labelledby="pending-invites" className="flex flex-col gap-2">
              <h2 id="pending-invites" className="text-lg font-semibold">
                Pending invites
              </h2>
              <ul aria-label="Pending invites" className="divide-y rounded-md border">
                {team.invites.map((invite) => (
                  <InviteRow key={invite.id} tenantId={tenantId} invite={invite} onWithdrawn={refresh} />
                ))}
              </ul>
            </section>
          )}
          <Card>
            <CardHeader>
              <CardTitle>Invite someone</CardTitle>
              <CardDescription>Owners change everything; Dungeon Masters run campaigns and sessions; viewers only read.</CardDescription>
            </CardHeader>
            <CardContent>
              <InviteFormCard
                onInvite={async (body) => {
                  await api.tenants[':id'].users.$post({ param: { id: tenantId }, json: body });
                  await refresh();
                }}
              />
            </CardContent>
          </Card>
        </>
      )}
    </>
  );
}

function MemberRow({ tenantId, member, manage, onChange }: { tenantId: string; member: Member; manage: boolean; onChange: () => Promise<void> }) {
  const { data: me } = useSuspenseQuery(meQuery);
  const queryClient = useQueryClient();
  const param = { id: tenantId, userId: member.user_id };
  const changing = useMutation({
    mutationFn: async (role: MemberRole) => api.tenants[':id'].users[':userId'].$put({ param, json: { role } }),
    // One's own role is in /me too: what the screens offer follows it.
    onSettled: async () => Promise.all([onChange(), member.user_id === me.user.id ? queryClient.invalidateQueries({ queryKey: meQuery.queryKey }) : null]),
  });
  const name = member.display_name + (member.user_id === me.user.id ? ' (you)' : '');
  return (
    <li className="flex flex-col gap-3 p-3 text-sm">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <span>
          <span className="font-medium">{name}</span>
          {member.email && <span className="text-muted-foreground"> · {member.email}</span>}
        </span>
        {manage ? (
          <select aria-label={`Role of ${member.display_name}`} className={SELECT_CLASS} value={member.role} disabled={changing.isPending} onChange={(e) => changing.mutate(e.target.value as MemberRole)}>
            <RoleOptions />
          </select>
        ) : (
          <span className="text-muted-foreground">{ROLE_NAMES[member.role]}</span>
        )}
      </div>
      <FailureAlert failure={changing.error} fallback="Changing the role failed" />
      {manage && (
        <ConfirmDelete
          what={member.display_name}
          consequence="They lose access to this team at once; an invite brings them back."
          onDelete={async () => {
            await api.tenants[':id'].users[':userId'].$delete({ param });
            await onChange();
          }}
        />
      )}
    </li>
  );
}

function InviteRow({ tenantId, invite, onWithdrawn }: { tenantId: string; invite: Invite; onWithdrawn: () => Promise<void> }) {
  const who = invite.email ?? `Discord ${invite.discord_id}`;
  return (
    <li className="flex flex-col gap-3 p-3 text-sm">
      <span>
        <span className="font-medium">{who}</span>
        <span className="text-muted-foreground">
          {' '}
          · {ROLE_NAMES[invite.role]} · invited {new Date(invite.created_at).toLocaleDateString()}
        </span>
      </span>
      <ConfirmDelete
        what={`the invite for ${who}`}
        consequence="The link they may have is refused from now on."
        onDelete={async () => {
          await api.tenants[':id'].invites[':inviteId'].$delete({ param: { id: tenantId, inviteId: invite.id } });
          await onWithdrawn();
        }}
      />
    </li>
  );
}

export const route = createLazyRoute(FROM)({ component: TeamScreen });
