import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../src/client.ts';
import { backends } from './backends.ts';

// A Worker makes a client per request: postgres.js's options are parsed once and handed on (client.ts).
describe.each(backends())('clients of one connection string on $name', (backend) => {
  beforeAll(() => backend.setup());
  afterAll(() => backend.teardown());

  it('share the parsed type tables but each keeps its own connection state', async () => {
    const first = createDb(backend.url(), { max: 1 });
    const second = createDb(backend.url(), { max: 1 });
    try {
      const [a, b] = await Promise.all([first.db.execute(sql`select 1 as one`), second.db.execute(sql`select 2 as two`)]);
      expect([...a]).toEqual([{ one: 1 }]);
      expect([...b]).toEqual([{ two: 2 }]);
      // `shared` and `parameters` are in the parsed options, not in their types.
      type Parsed = typeof first.client.options & { shared: object; parameters: Record<string, string> };
      const [one, two] = [first.client.options as Parsed, second.client.options as Parsed];
      // Not copied per client: the tables postgres.js would copy on each parse.
      expect(one.serializers).toBe(two.serializers);
      expect(one.parsers).toBe(two.parsers);
      // Written by each client's connection: its own.
      expect(one.parameters).not.toBe(two.parameters);
      expect(one.shared).not.toBe(two.shared);
      expect(one.parameters.server_version).toBeTruthy();
      expect(two.parameters.server_version).toBeTruthy();
    } finally {
      await Promise.all([first.close(), second.close()]);
    }
  });

  it('are parsed apart when their settings differ', async () => {
    const small = createDb(backend.url(), { max: 1 });
    const large = createDb(backend.url(), { max: 3 });
    try {
      expect(small.client.options.max).toBe(1);
      expect(large.client.options.max).toBe(3);
      expect([...(await large.db.execute(sql`select 3 as three`))]).toEqual([{ three: 3 }]);
    } finally {
      await Promise.all([small.close(), large.close()]);
    }
  });
});
