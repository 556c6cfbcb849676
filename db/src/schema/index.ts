export * from './roles.ts';
export * from './tenants.ts';
export * from './sessions.ts';
export * from './usage.ts';
export * from './audit.ts';
export * from './nodes.ts';
export * from './session-usage.ts';
export * from './feedback.ts';
