import { exports } from 'cloudflare:workers';

interface StoredCookie {
  value: string;
  path: string;
  attributes: string;
}

/**
 * A browser's part in the web session, against the Worker: it keeps the cookies the
 * edge sets (by name and path, dropping expired ones), sends them back where their
 * path matches, and does not follow redirects, so a test sees each one.
 */
export class Browser {
  readonly cookies = new Map<string, StoredCookie>();

  cookie(name: string): string | undefined {
    return this.cookies.get(name)?.value;
  }

  /** The raw `Set-Cookie` attributes the edge last sent for `name`. */
  attributes(name: string): string | undefined {
    return this.cookies.get(name)?.attributes;
  }

  async fetch(method: string, path: string, init: { headers?: Record<string, string>; body?: unknown } = {}) {
    const url = new URL(path, 'http://edge.test');
    const cookie = [...this.cookies].filter(([, c]) => url.pathname.startsWith(c.path)).map(([name, c]) => `${name}=${c.value}`).join('; ');
    const res = await exports.default.fetch(url, {
      method,
      redirect: 'manual',
      headers: { ...(cookie ? { cookie } : {}), ...(init.body === undefined ? {} : { 'content-type': 'application/json' }), ...init.headers },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    for (const header of res.headers.getSetCookie()) this.store(header);
    const text = await res.text();
    return { status: res.status, location: res.headers.get('location'), body: (text && text.startsWith('{') ? JSON.parse(text) : null) as any };
  }

  /** `POST` with the CSRF header as the SPA sends it (`csrf` overrides what it echoes). */
  post(path: string, csrf = this.cookie('gx_csrf')) {
    return this.fetch('POST', path, { headers: csrf === undefined ? {} : { 'x-csrf-token': csrf } });
  }

  private store(header: string): void {
    const [pair, ...rest] = header.split(';').map((part) => part.trim());
    const eq = pair!.indexOf('=');
    const name = pair!.slice(0, eq);
    const value = decodeURIComponent(pair!.slice(eq + 1));
    const attribute = (key: string) => rest.find((a) => a.toLowerCase().startsWith(`${key}=`))?.split('=')[1];
    const expires = attribute('expires');
    const gone = attribute('max-age') === '0' || (expires !== undefined && new Date(expires).getTime() <= Date.now());
    if (gone) this.cookies.delete(name);
    else this.cookies.set(name, { value, path: attribute('path') ?? '/', attributes: rest.join('; ') });
  }
}
