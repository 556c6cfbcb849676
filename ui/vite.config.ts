import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { preloadLandingScreen } from './preload-landing-screen.ts';

// Route screens are their own chunks (router.tsx imports them lazily); the Worker serves
// dist/ with hashed assets immutable and index.html revalidated. The sign-in screen is where
// a first visit lands, so its chunks are preloaded beside the entry. Code two chunks share goes
// into one `shared` chunk: left to itself the bundler cut it into a dozen small files, each a
// request to the Worker before the first paint. What only a team's screens share (their forms,
// queries, talking to an NPC, the edge's and the data layer's schemas) is a chunk of its own, so the landing screen never loads it.
// Charts (Recharts) stay out of it, in the usage screen's own chunk.
const TEAM_SCREENS = /\/(ui\/src\/(campaigns|sessions|usage|forms|settings|platform|talk)|edge\/src|db\/src)\/|team-nav|confirm-delete|tenant-role/;

export default defineConfig({
  plugins: [react(), tailwindcss(), preloadLandingScreen('src/routes/sign-in.tsx')],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    reportCompressedSize: false,
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            { name: 'shared', minShareCount: 2, priority: 2, test: (id) => !TEAM_SCREENS.test(id) },
            { name: 'team-screens', test: TEAM_SCREENS, priority: 1 },
          ],
        },
      },
    },
  },
});
