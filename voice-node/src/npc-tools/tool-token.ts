import { ToolTokenSchema, type ToolTokenRequest } from '@glyphoxa/protocol';
import * as v from 'valibot';

/** Fetched again this long before it runs out, so no call goes out with a token about to expire. */
const REFRESH_BEFORE_MS = 60_000;

/**
 * One NPC's bearer token for the edge's `/mcp` (`POST /nodes/tool-tokens`, with the node's
 * own token). Kept until shortly before it expires; callers asking at once share one fetch.
 */
export class ToolToken {
  private held: { token: string; refreshAt: number } | undefined;
  private pending: Promise<string> | undefined;
  private readonly url: string;
  private readonly nodeToken: string;
  private readonly request: ToolTokenRequest;

  constructor(url: string, nodeToken: string, request: ToolTokenRequest) {
    this.url = url;
    this.nodeToken = nodeToken;
    this.request = request;
  }

  value(): Promise<string> {
    if (this.held && Date.now() < this.held.refreshAt) return Promise.resolve(this.held.token);
    this.pending ??= this.mint().finally(() => (this.pending = undefined));
    return this.pending;
  }

  /** The edge refused the token (its key rotated, a clock is off): the next call mints anew. */
  drop(): void {
    this.held = undefined;
  }

  private async mint(): Promise<string> {
    const res = await fetch(this.url, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.nodeToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(this.request),
    });
    if (res.status !== 201) throw new Error(`the edge refused a tool token: ${res.status} ${(await res.text()).slice(0, 200)}`);
    const { token, expires_at } = v.parse(ToolTokenSchema, await res.json());
    this.held = { token, refreshAt: Date.parse(expires_at) - REFRESH_BEFORE_MS };
    return token;
  }
}
