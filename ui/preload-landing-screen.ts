import type { Plugin, Rolldown } from 'vite';

type OutputBundle = Rolldown.OutputBundle;
type OutputChunk = Rolldown.OutputChunk;

/**
 * Adds `<link rel="modulepreload">` to index.html for a lazily loaded screen and the chunks it
 * imports, so a first visit fetches them beside the entry chunk instead of after it has run
 * (the route tree only asks for a screen once the router has started).
 */
export function preloadLandingScreen(screen: string): Plugin {
  return {
    name: 'glyphoxa:preload-landing-screen',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(_html, { bundle }) {
        if (!bundle) return [];
        const chunks = Object.values(bundle).filter((output): output is OutputChunk => output.type === 'chunk');
        const landing = chunks.find((chunk) => chunk.facadeModuleId?.endsWith(screen));
        if (!landing) throw new Error(`preloadLandingScreen: no chunk is built from ${screen}`);
        const entry = new Set(chunks.filter((chunk) => chunk.isEntry).flatMap((chunk) => [chunk.fileName, ...chunk.imports]));
        return [...new Set([landing.fileName, ...importsOf(landing, bundle)])]
          .filter((file) => !entry.has(file))
          .map((file) => ({ tag: 'link', attrs: { rel: 'modulepreload', crossorigin: true, href: `/${file}` }, injectTo: 'head' as const }));
      },
    },
  };
}

function importsOf(chunk: OutputChunk, bundle: OutputBundle): string[] {
  return chunk.imports.flatMap((file) => {
    const imported = bundle[file];
    return imported?.type === 'chunk' ? [file, ...importsOf(imported, bundle)] : [];
  });
}
