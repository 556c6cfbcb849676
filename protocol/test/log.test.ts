import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/log.ts';

function capture(level?: 'debug' | 'info' | 'warn' | 'error') {
  const lines: Record<string, unknown>[] = [];
  const log = createLogger({ node_id: 'n1' }, { level, sink: (line) => lines.push(JSON.parse(line)) });
  return { log, lines };
}

describe('structured logs', () => {
  it('writes one JSON object a line, with time, level, message and context', () => {
    const { log, lines } = capture();
    log.with({ session_id: 's1', tenant_id: 'acme' }).info('session active', { npcs: 2 });
    expect(lines).toEqual([
      { time: expect.any(String), level: 'info', msg: 'session active', node_id: 'n1', session_id: 's1', tenant_id: 'acme', npcs: 2 },
    ]);
  });

  it('redacts tokens, keys and passwords at any depth', () => {
    const { log, lines } = capture();
    log.info('x', {
      token: 'a',
      providers: { llm: { api_key: 'b', apiKey: 'c', model: 'm' } },
      db_password: 'd',
      client_secret: 'e',
      authorization: 'Bearer f',
    });
    const text = JSON.stringify(lines);
    for (const secret of ['"a"', '"b"', '"c"', '"d"', '"e"', 'Bearer f']) expect(text).not.toContain(secret);
    expect(lines[0]).toMatchObject({ token: '[redacted]', providers: { llm: { api_key: '[redacted]', model: 'm' } } });
  });

  it('drops lines below its level', () => {
    const { log, lines } = capture('warn');
    log.debug('a');
    log.info('b');
    log.warn('c');
    log.error('d');
    expect(lines.map((line) => line.msg)).toEqual(['c', 'd']);
  });
});
