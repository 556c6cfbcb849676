import { useQueryClient, useSuspenseQuery } from '@tanstack/react-query';
import { createLazyRoute, useParams } from '@tanstack/react-router';
import { Wrench } from 'lucide-react';
import { useState } from 'react';
import { useTenantRole } from '../account/tenant-role.ts';
import { ConfirmDelete } from '../components/confirm-delete.tsx';
import { TeamNav } from '../components/layout/team-nav.tsx';
import { EmptyState } from '../components/states/empty-state.tsx';
import { FailureAlert } from '../components/states/failure-alert.tsx';
import { Alert } from '../components/ui/alert.tsx';
import { Button } from '../components/ui/button.tsx';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../components/ui/card.tsx';
import { ToolServerFormCard } from '../settings/tool-server-form.tsx';
import { deleteToolServer, offeredTools, saveToolServer, toolServerKeys, toolServersQuery, type OfferedTool, type ToolServer } from '../settings/tool-server-queries.ts';

/**
 * A team's own MCP tool servers: every member sees them (header values never), owners add,
 * edit, test and remove them (as the edge's mcp_servers.view and .manage).
 */
function ToolServers() {
  const { tenantId } = useParams({ from: '/signed-in/teams/$tenantId/settings/tool-servers' });
  const owner = useTenantRole(tenantId) === 'tenant_owner';
  const { data: servers } = useSuspenseQuery(toolServersQuery(tenantId));
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries({ queryKey: toolServerKeys.list(tenantId) });
  return (
    <>
      <TeamNav tenantId={tenantId} />
      <h1 className="text-2xl font-semibold">Tool servers</h1>
      <p className="text-sm text-muted-foreground">
        Your own MCP servers (a lore archive, a rules engine) whose allowed tools your NPCs may call mid-conversation, as <span className="font-mono">server.tool</span>. A
        server that is slow or failing is cut off, never holding up the table.
      </p>
      {!owner && <Alert>Only the team's owners add, change and test tool servers.</Alert>}
      {servers.length === 0 ? (
        <EmptyState icon={Wrench} title="No tool servers yet">
          Your NPCs have the built-in tools (dice, rules, campaign knowledge). Add a server below to give them more.
        </EmptyState>
      ) : (
        <ul aria-label="Tool servers" className="divide-y rounded-md border">
          {servers.map((server) => (
            <ServerRow key={server.name} tenantId={tenantId} server={server} owner={owner} onChanged={refresh} />
          ))}
        </ul>
      )}
      {owner && (
        <Card>
          <CardHeader>
            <CardTitle>New tool server</CardTitle>
            <CardDescription>Name it, point it at the server's MCP endpoint, and list the tools NPCs may use.</CardDescription>
          </CardHeader>
          <CardContent>
            <ToolServerFormCard
              server={null}
              onSave={async (name, body) => {
                await saveToolServer(tenantId, name, body);
                await refresh();
              }}
            />
          </CardContent>
        </Card>
      )}
    </>
  );
}

function ServerRow({ tenantId, server, owner, onChanged }: { tenantId: string; server: ToolServer; owner: boolean; onChanged: () => Promise<void> }) {
  const [editing, setEditing] = useState(false);
  const headers = Object.keys(server.headers);
  return (
    <li className="flex flex-col gap-2 p-3 text-sm" aria-label={`Tool server ${server.name}`}>
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <span className="font-mono font-medium">{server.name}</span>
        <span className="break-all font-mono text-muted-foreground">{server.url}</span>
      </div>
      <p className="text-muted-foreground">
        Allowed: {server.allowed_tools.length === 0 ? 'none yet' : server.allowed_tools.join(', ')} · timeout {server.timeout_ms} ms · headers: {headers.length === 0 ? 'none' : headers.map((h) => `${h} (stored)`).join(', ')}
      </p>
      {owner &&
        (editing ? (
          <ToolServerFormCard
            server={server}
            onCancel={() => setEditing(false)}
            onSave={async (name, body) => {
              await saveToolServer(tenantId, name, body);
              setEditing(false);
              await onChanged();
            }}
          />
        ) : (
          <div className="flex flex-wrap gap-2">
            <Button variant="outline" onClick={() => setEditing(true)}>
              Edit {server.name}
            </Button>
            <OfferedTools tenantId={tenantId} name={server.name} />
            <ConfirmDelete
              what={`the tool server ${server.name}`}
              consequence="NPCs lose its tools at once."
              onDelete={async () => {
                await deleteToolServer(tenantId, server.name);
                await onChanged();
              }}
            />
          </div>
        ))}
    </li>
  );
}

/** Asks the server for its tools through the edge (the NPCs' own path), showing what is allowed, or why it failed. */
function OfferedTools({ tenantId, name }: { tenantId: string; name: string }) {
  const [tools, setTools] = useState<OfferedTool[] | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const [pending, setPending] = useState(false);
  const ask = async () => {
    setPending(true);
    setFailure(null);
    try {
      setTools(await offeredTools(tenantId, name));
    } catch (error) {
      setTools(null);
      setFailure(error);
    } finally {
      setPending(false);
    }
  };
  return (
    <div className="flex w-full flex-col gap-2">
      <Button variant="secondary" className="self-start" onClick={() => void ask()} disabled={pending}>
        {pending ? 'Asking…' : `List tools of ${name}`}
      </Button>
      <FailureAlert failure={failure} fallback="The server could not be asked" />
      {tools && (
        <ul aria-label={`Tools of ${name}`} className="flex flex-col gap-1 rounded-md border p-2">
          {tools.length === 0 && <li className="text-muted-foreground">The server offers no tools.</li>}
          {tools.map((tool) => (
            <li key={tool.name} className="flex flex-wrap gap-2">
              <span className="font-mono">{tool.name}</span>
              <span className={tool.allowed ? 'font-medium text-primary' : 'text-muted-foreground'}>{tool.allowed ? 'allowed' : 'not allowed'}</span>
              <span className="text-muted-foreground">{tool.description}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export const route = createLazyRoute('/signed-in/teams/$tenantId/settings/tool-servers')({ component: ToolServers });
