import { migrate } from '../migrate.ts';

// `npm run migrate`: applies the committed migrations to DATABASE_URL.
const url = process.env.DATABASE_URL;
if (!url) {
  console.error('DATABASE_URL is not set: nothing to migrate.');
  process.exit(2);
}
await migrate(url);
console.log('migrations applied');
