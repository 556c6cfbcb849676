/** A V8 CPU profile (Chrome DevTools protocol's `Profiler.Profile`), the parts read here. */
export interface Profile {
  nodes: Array<{ id: number; callFrame: { functionName: string; scriptId: string; url: string; lineNumber: number }; children?: number[] }>;
  samples: number[];
  timeDeltas: number[];
}

/** Where the sampled time went: a share per part (a package, the Worker's own code, the engine's own entries). */
export interface ProfileSummary {
  /** Sampled time, idle excluded, in ms. */
  busyMs: number;
  /** Self time a part, as a share of `busyMs`, largest first. */
  parts: Array<{ part: string; share: number }>;
  /** The functions with the most self time. */
  top: Array<{ fn: string; part: string; share: number }>;
  /** Total time (self and callees) a bundle module was on the stack, by its path, as a share of `busyMs`. */
  onStack: Map<string, number>;
}

/**
 * Profiles the Worker under `wrangler dev` while `during` runs: the Chrome DevTools protocol
 * on wrangler's inspector port (its `/json` lists the Worker's isolate, which also runs its
 * Durable Objects), `Profiler.start` … `Profiler.stop`.
 */
export async function profileWorker<T>(inspectorPort: number, during: () => Promise<T>): Promise<{ result: T; profile: Profile; summary: ProfileSummary }> {
  const targets = (await (await fetch(`http://127.0.0.1:${inspectorPort}/json`)).json()) as Array<{ webSocketDebuggerUrl: string }>;
  const target = targets[0]?.webSocketDebuggerUrl;
  if (!target) throw new Error(`no inspector target on port ${inspectorPort}`);
  // wrangler's inspector proxy refuses an upgrade without a local Origin; Node's WebSocket (undici) takes headers, the DOM type does not say so.
  const socket = new WebSocket(target, { headers: { origin: `http://127.0.0.1:${inspectorPort}` } } as unknown as string[]);
  await new Promise((resolve, reject) => {
    socket.addEventListener('open', resolve, { once: true });
    socket.addEventListener('error', reject, { once: true });
  });
  let nextId = 1;
  const pending = new Map<number, (result: unknown) => void>();
  socket.addEventListener('message', (event) => {
    const message = JSON.parse(String(event.data)) as { id?: number; result?: unknown };
    if (message.id !== undefined) pending.get(message.id)?.(message.result);
  });
  const send = (method: string, params: object = {}) =>
    new Promise<unknown>((resolve) => {
      const id = nextId++;
      pending.set(id, resolve);
      socket.send(JSON.stringify({ id, method, params }));
    });
  try {
    await send('Profiler.enable');
    // 1 ms samples: a request is a few ms, and a finer interval costs the profiled thread more.
    await send('Profiler.setSamplingInterval', { interval: 1000 });
    await send('Profiler.start');
    const result = await during();
    const { profile } = (await send('Profiler.stop')) as { profile: Profile };
    // The bundle's text, to name the module of each sampled line (after the profile: the debugger slows the isolate).
    await send('Debugger.enable');
    const sources = new Map<string, string>();
    for (const id of new Set(profile.nodes.map((node) => node.callFrame.scriptId).filter((id) => id && id !== '0'))) {
      sources.set(id, ((await send('Debugger.getScriptSource', { scriptId: id })) as { scriptSource?: string }).scriptSource ?? '');
    }
    await send('Debugger.disable');
    return { result, profile, summary: summarise(profile, sources) };
  } finally {
    socket.close();
  }
}

/** The engine's own entries, named as V8 names them. */
const ENGINE = new Set(['(garbage collector)', '(program)', '(idle)', '(root)']);

/**
 * Self time by part. The Worker is one esbuild bundle whose modules each start under a
 * `// <path>` comment; a frame's part is the package (or `edge/`, `db/`, `protocol/`
 * folder) of the module its line falls in.
 */
function summarise(profile: Profile, sources: Map<string, string>): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const modules = new Map<string, (line: number) => string>();
  /** The module's path, as the bundle's comment names it. */
  const moduleOf = (frame: Profile['nodes'][number]['callFrame']): string => {
    if (ENGINE.has(frame.functionName)) return frame.functionName;
    if (!frame.url) return '(native)';
    let lookup = modules.get(frame.scriptId);
    if (!lookup) {
      lookup = moduleLines(sources.get(frame.scriptId) ?? '', frame.url);
      modules.set(frame.scriptId, lookup);
    }
    return lookup(frame.lineNumber);
  };
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const onStack = new Map<string, number>();
  const parts = new Map<string, number>();
  const fns = new Map<string, { part: string; ms: number }>();
  let busyMs = 0;
  for (const [id, ms] of self) {
    const { callFrame } = byId.get(id)!;
    if (callFrame.functionName === '(idle)') continue;
    const module = moduleOf(callFrame);
    const part = partOfPath(module);
    busyMs += ms;
    parts.set(part, (parts.get(part) ?? 0) + ms);
    const fn = `${callFrame.functionName || '(anonymous)'}:${callFrame.lineNumber + 1}`;
    const entry = fns.get(fn) ?? { part: module.replace(/^.*node_modules\//, ''), ms: 0 };
    entry.ms += ms;
    fns.set(fn, entry);
    const stack = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) stack.add(moduleOf(byId.get(at)!.callFrame));
    for (const path of stack) onStack.set(path, (onStack.get(path) ?? 0) + ms);
  }
  const share = (ms: number) => (busyMs > 0 ? ms / busyMs : 0);
  return {
    busyMs,
    parts: [...parts].map(([part, ms]) => ({ part, share: share(ms) })).sort((a, b) => b.share - a.share),
    top: [...fns].map(([fn, { part, ms }]) => ({ fn, part, share: share(ms) })).sort((a, b) => b.share - a.share).slice(0, 15),
    onStack: new Map([...onStack].map(([path, ms]) => [path, share(ms)])),
  };
}

/** For a script's text: the part a 0-based line belongs to, from esbuild's `// <path>` module comments (none: the script's URL). */
function moduleLines(text: string, url: string): (line: number) => string {
  const starts: Array<{ line: number; part: string }> = [];
  text.split('\n').forEach((line, i) => {
    const path = /^\/\/ (\S+\.(?:[cm]?js|ts))$/.exec(line)?.[1];
    if (path) starts.push({ line: i, part: path });
  });
  return (line) => {
    let low = 0;
    let high = starts.length - 1;
    let found = url;
    while (low <= high) {
      const mid = (low + high) >> 1;
      if (starts[mid]!.line <= line) {
        found = starts[mid]!.part;
        low = mid + 1;
      } else high = mid - 1;
    }
    return found;
  };
}

/** `node_modules/drizzle-orm/pg-core/x.js` -> `drizzle-orm`; `../../edge/src/app.ts` -> `edge`; anything else as it is. */
function partOfPath(path: string): string {
  const inPackage = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  if (inPackage) return inPackage[1]!;
  const workspace = /(?:^|\/)(edge|db|protocol|providers)\/src\//.exec(path);
  return workspace ? workspace[1]! : path;
}

/** The profile's largest parts (and, with more than 6 parts asked, its heaviest functions). */
export function describeProfile(profile: ProfileSummary, parts = 12): string {
  const pct = (share: number) => `${(share * 100).toFixed(1)} %`;
  const lines = [`${profile.parts.slice(0, parts).map((p) => `${p.part} ${pct(p.share)}`).join(', ')} (of ${(profile.busyMs / 1000).toFixed(1)} s busy)`];
  if (parts > 6) lines.push(...profile.top.map((t) => `  ${pct(t.share)} ${t.fn} [${t.part}]`));
  return lines.join('\n');
}
