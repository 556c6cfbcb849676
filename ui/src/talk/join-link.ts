/**
 * A link that lets someone join a browser-audio session without an account: the
 * node's socket and the session's token ride in the fragment, which browsers never
 * send to a server or put in a Referer, so neither ends up in a log.
 */
export function joinLink(origin: string, sessionId: string, audio: { url: string; token: string }): string {
  return `${origin}/join/${encodeURIComponent(sessionId)}#${new URLSearchParams({ url: audio.url, token: audio.token })}`;
}

export function readJoinFragment(hash: string): { url: string; token: string } | null {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const url = params.get('url');
  const token = params.get('token');
  if (!url || !token || !/^wss?:\/\//.test(url)) return null;
  return { url, token };
}
