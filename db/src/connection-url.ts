/**
 * Hyperdrive (and so wrangler dev and the Workers test pool) insists on a
 * password in the connection string. A server that needs none (trust auth)
 * ignores whatever is sent, so a placeholder is added only where none is given.
 */
export function hyperdriveConnectionString(url: string): string {
  const parsed = new URL(url);
  if (!parsed.password) parsed.password = 'no-password';
  if (!parsed.username) parsed.username = 'postgres';
  return parsed.toString();
}
