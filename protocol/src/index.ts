export * from './limits.ts';
export * from './fields.ts';
export * from './providers.ts';
export * from './npc.ts';
export * from './node-messages.ts';
export * from './edge-messages.ts';
export * from './parse.ts';
export * from './log.ts';
