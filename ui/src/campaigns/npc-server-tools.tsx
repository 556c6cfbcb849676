import { serverToolOf, TOOL_SEPARATOR, WHOLE_SERVER } from '@glyphoxa/protocol';
import { useQuery } from '@tanstack/react-query';
import type { UseFormRegisterReturn } from 'react-hook-form';
import { toolServersQuery, type ToolServer } from '../settings/tool-server-queries.ts';

/** One checkbox of an NPC's `tools`: the entry it ticks and what it says. */
interface Choice {
  entry: string;
  label: string;
}

const entryOf = (server: string, tool: string) => `${server}${TOOL_SEPARATOR}${tool}`;

/** A server's choices: all its allowed tools at once, then each by name. */
const choicesOf = (server: ToolServer): Choice[] => [
  { entry: entryOf(server.name, WHOLE_SERVER), label: server.allowed_tools.length > 0 ? 'All its allowed tools' : 'All its allowed tools (it allows none yet)' },
  ...server.allowed_tools.map((tool) => ({ entry: entryOf(server.name, tool), label: tool })),
];

/** Why an entry the NPC holds is offered by none of the team's servers now (the edge keeps it; it offers nothing). */
function staleReason(entry: string, servers: readonly ToolServer[]): string {
  const server = serverToolOf(entry)!.server;
  return servers.some((s) => s.name === server) ? `no longer allowed on ${server}` : `tool server ${server} was removed`;
}

function Checkbox({ entry, label, field }: Choice & { field: () => UseFormRegisterReturn<'tools'> }) {
  return (
    <label className="flex items-center gap-2 text-sm">
      <input type="checkbox" className="size-4" value={entry} {...field()} /> {label}
    </label>
  );
}

/**
 * The team's tool servers in the NPC editor, each with its allowed tools to tick (docs/MCP.md).
 * Every server entry the NPC already holds keeps its checkbox, so one a server no longer offers
 * is shown, marked, and leaves only when the DM unticks it, never by a save.
 */
export function NpcServerTools({ tenantId, held, field }: { tenantId: string; held: readonly string[]; field: () => UseFormRegisterReturn<'tools'> }) {
  const { data: servers, isPending, isError } = useQuery(toolServersQuery(tenantId));
  const offered = new Set((servers ?? []).flatMap(choicesOf).map((c) => c.entry));
  const stale = held.filter((entry) => serverToolOf(entry) && !offered.has(entry));
  return (
    <>
      {isPending && <p className="text-sm text-muted-foreground">Loading the team's tool servers…</p>}
      {isError && <p className="text-sm text-destructive">The team's tool servers could not be loaded; the tools this NPC has stay as they are.</p>}
      {servers?.length === 0 && <p className="text-sm text-muted-foreground">The team has no tool servers of its own (an owner adds them under Settings, Tool servers).</p>}
      {servers?.map((server) => (
        <fieldset key={server.name} className="flex flex-col gap-2 rounded-md border p-3">
          <legend className="px-1 font-mono text-sm">{server.name}</legend>
          <div className="grid gap-2 sm:grid-cols-2">
            {choicesOf(server).map((choice) => (
              <Checkbox key={choice.entry} {...choice} field={field} />
            ))}
          </div>
        </fieldset>
      ))}
      {stale.length > 0 && (
        <fieldset className="flex flex-col gap-2 rounded-md border border-dashed p-3">
          <legend className="px-1 text-sm font-semibold">{servers ? 'No longer offered' : 'From tool servers'}</legend>
          {servers && <p className="text-sm text-muted-foreground">These give the NPC nothing now. Untick one to remove it.</p>}
          {stale.map((entry) => (
            <Checkbox key={entry} entry={entry} label={servers ? `${entry} (${staleReason(entry, servers)})` : entry} field={field} />
          ))}
        </fieldset>
      )}
    </>
  );
}
