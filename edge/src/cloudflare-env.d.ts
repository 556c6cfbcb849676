// Tells workers-types what this Worker's `env` and main module are, so
// `cloudflare:workers`' `env` and `exports` are typed in code and tests.
declare namespace Cloudflare {
  type WorkerBindings = import('./env.ts').Bindings;
  interface Env extends WorkerBindings {}
  interface GlobalProps {
    mainModule: typeof import('./index.ts');
    durableNamespaces: 'TenantCoordinator' | 'Fleet';
  }
}
