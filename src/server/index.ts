/**
 * `@k1/workflows` dev server: a local Conductor-compatible REST server over the in-process runner,
 * for the official SDK's clients and workers.
 * @packageDocumentation
 */
export { startDevServer } from './dev-server.ts';
export type { DevServer, DevServerOptions } from './dev-server.ts';
export type { DefinitionRules, GeneratedRegistration } from './definitions.ts';
