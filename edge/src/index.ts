import { createApp } from './app.ts';
import type { Bindings } from './env.ts';

export { Fleet } from './durable/fleet.ts';
export { TenantCoordinator } from './durable/tenant-coordinator.ts';

export default createApp() satisfies ExportedHandler<Bindings>;
