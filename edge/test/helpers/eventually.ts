/**
 * Asks `check` until it answers (anything but undefined, null or false), at most
 * `timeoutMs`: a test waits for what it can observe, never a fixed time.
 */
export async function eventually<T>(what: string, check: () => Promise<T | undefined | null | false> | T | undefined | null | false, options: { timeoutMs?: number; everyMs?: number } = {}): Promise<T> {
  const { timeoutMs = 5000, everyMs = 50 } = options;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer = await check();
    if (answer !== undefined && answer !== null && answer !== false) return answer;
    if (Date.now() >= deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
