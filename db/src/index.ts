export * from './client.ts';
export * from './scope.ts';
export * from './repos/tenants.ts';
export * from './seed.ts';
export * from './connection-url.ts';
