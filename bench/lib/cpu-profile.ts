/**
 * A CPU profile of the Worker's isolate under `wrangler dev`, over the Chrome DevTools
 * protocol on wrangler's inspector port: what the bench's CPU figures are made of.
 */

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
}

/** Records `seconds` of the isolate's CPU profile; answers the profile (a `.cpuprofile`'s JSON) and its heaviest functions by self time. */
export async function profileWorker(inspectorPort: number, seconds: number, top = 25): Promise<{ profile: Profile; summary: string }> {
  const targets = (await (await fetch(`http://127.0.0.1:${inspectorPort}/json`)).json()) as Array<{ webSocketDebuggerUrl: string }>;
  const target = targets[0];
  if (!target) throw new Error(`no inspector target on port ${inspectorPort}`);
  // Wrangler's inspector proxy takes only a local DevTools origin.
  const ws = new WebSocket(target.webSocketDebuggerUrl, { headers: { origin: 'http://localhost' } } as never);
  await new Promise((resolve, reject) => {
    ws.addEventListener('open', resolve, { once: true });
    ws.addEventListener('error', () => reject(new Error('could not reach the inspector')), { once: true });
  });
  let next = 1;
  const waiting = new Map<number, (result: unknown) => void>();
  ws.addEventListener('message', (event) => {
    const message = JSON.parse(String(event.data)) as { id?: number; result?: unknown };
    if (message.id !== undefined) waiting.get(message.id)?.(message.result);
  });
  const call = (method: string, params: object = {}) =>
    new Promise<unknown>((resolve) => {
      const id = next++;
      waiting.set(id, resolve);
      ws.send(JSON.stringify({ id, method, params }));
    });
  try {
    await call('Profiler.enable');
    await call('Profiler.setSamplingInterval', { interval: 1000 });
    await call('Profiler.start');
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const { profile } = (await call('Profiler.stop')) as { profile: Profile };
    return { profile, summary: summarise(profile, top) };
  } finally {
    ws.close();
  }
}

/** The functions with the most samples of their own, as shares of all samples (idle included, so the JS share shows). */
function summarise(profile: Profile, top: number): string {
  const byFunction = new Map<string, number>();
  let total = 0;
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    total += hits;
    const { functionName, url, lineNumber } = node.callFrame;
    const key = `${functionName || '(anonymous)'} ${url.split('/').slice(-2).join('/')}:${lineNumber + 1}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + hits);
  }
  const idle = byFunction.get('(idle) :0') ?? 0;
  const lines = [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top).map(([key, hits]) => `${((hits / total) * 100).toFixed(1).padStart(5)} %  ${key}`);
  return [`${total} samples, ${(((total - idle) / total) * 100).toFixed(1)} % not idle`, ...lines].join('\n');
}
