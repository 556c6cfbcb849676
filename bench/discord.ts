/**
 * Discord interactions: signature verification + routing + reply for a quick
 * command, against the real Worker under `wrangler dev`, signed like Discord signs:
 * once through wrangler's proxy, once straight to workerd's own port.
 */
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { generateKeySpec } from '../edge/src/secrets/keyring.ts';
import { writeWorkerEnv } from '../scripts/lib/install-secrets.ts';
import { freePort } from '../scripts/lib/ports.ts';
import type { Child } from '../scripts/lib/processes.ts';
import { adminCall, startEdge } from '../scripts/lib/system.ts';
import { HttpClient } from './lib/http-client.ts';
import { ms, percentile, type Row } from './lib/stats.ts';
import { workerdPort } from './lib/workerd-port.ts';
import { scratchDir } from './lib/scratch-dir.ts';

const ROOT = resolve(import.meta.dirname, '..');
const ADMIN_KEY = 'bench-admin-key';
const WARM_UP = 100;
const SAMPLES = 2000;
const toHex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

export async function discordBenchmarks(databaseUrl: string): Promise<Row[]> {
  const dir = scratchDir('gx-bench-discord-');
  const envFile = join(dir, 'worker.env');
  writeWorkerEnv(envFile, { ADMIN_KEY, SECRET_KEYS: generateKeySpec('k1') });
  const port = await freePort();
  const edgeUrl = `http://127.0.0.1:${port}`;
  let edge: Child | undefined;
  try {
    edge = await startEdge({ root: ROOT, port, databaseUrl, stateDir: join(dir, 'state'), envFile, stdio: 'ignore' });
    const pair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify'])) as CryptoKeyPair;
    const publicKey = toHex(new Uint8Array((await crypto.subtle.exportKey('raw', pair.publicKey)) as ArrayBuffer));
    const tenant = 'bench-discord';
    await adminCall(edgeUrl, ADMIN_KEY, 'POST', '/tenants', { id: tenant, discord_application_id: '100000000000000002', discord_public_key: publicKey, dm_role_id: '100000000000000009' });

    // A quick command: `/npc mute` from a member without the DM role is refused at once, never deferred.
    // Each its own interaction id: an id runs once, a repeat is answered as one.
    let nextId = 200000000000000000n;
    const body = () => JSON.stringify({
      id: String(nextId++), application_id: '100000000000000002', type: 2, token: 'bench-token', version: 1,
      guild_id: '100000000000000003', channel_id: '100000000000000004',
      member: { user: { id: '100000000000000005', username: 'dm' }, roles: [] },
      data: { id: '100000000000000006', name: 'npc', type: 1, options: [{ type: 1, name: 'mute', options: [{ type: 3, name: 'name', value: 'Grimjaw' }] }] },
    });
    const sign = async () => {
      const text = body();
      const timestamp = String(Math.floor(Date.now() / 1000));
      const signature = toHex(new Uint8Array(await crypto.subtle.sign('Ed25519', pair.privateKey, new TextEncoder().encode(timestamp + text))));
      return { text, headers: { 'x-signature-ed25519': signature, 'x-signature-timestamp': timestamp } };
    };
    const time = async (base: string): Promise<number[]> => {
      // Signed beforehand (well inside Discord's 5-minute window), so the bench's own
      // signing and its garbage stay out of the timed requests.
      const signed = await Promise.all(Array.from({ length: WARM_UP + SAMPLES }, sign));
      const client = new HttpClient(base);
      const timings: number[] = [];
      try {
        // The first WARM_UP answers include compiling the Worker's code paths; they are not kept.
        for (const [i, { text, headers }] of signed.entries()) {
          const started = performance.now();
          const res = await client.call('POST', `/discord/${tenant}/interactions`, text, headers);
          if (i >= WARM_UP) timings.push(performance.now() - started);
          if (res.status !== 200 || res.body.type !== 4 || !/^Only the DM can do that/.test(res.body.data?.content ?? '')) throw new Error(`unexpected answer ${res.status} ${JSON.stringify(res.body)}`);
        }
      } finally {
        client.close();
      }
      return timings;
    };
    const proxied = await time(edgeUrl);
    const ownPort = await workerdPort(edge.pid, port);
    const direct = await time(`http://127.0.0.1:${ownPort}`);
    return [
      { benchmark: 'interaction verify + route + reply p50 / p99, through wrangler dev', result: `${ms(percentile(proxied, 50))} / ${ms(percentile(proxied, 99))}`, target: '-', met: null },
      { benchmark: 'interaction verify + route + reply p50 (quick command, in workerd)', result: ms(percentile(direct, 50)), target: '-', met: null },
      { benchmark: 'interaction verify + route + reply p99 (quick command, in workerd)', result: ms(percentile(direct, 99)), target: '< 10 ms', met: percentile(direct, 99) < 10 },
    ];
  } finally {
    await edge?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
