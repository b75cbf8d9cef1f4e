import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Engine } from '../runner/engine.ts';
import { Registry } from '../runner/registry.ts';
import { DefinitionStore, registerGeneratedDir, type DefinitionRules, type GeneratedRegistration } from './definitions.ts';
import { DEFAULT_MAX_BODY_BYTES, parseJson, readBody, sendError, sendJson } from './http.ts';
import { addEventRoutes } from './event-routes.ts';
import { addMetadataRoutes } from './metadata-routes.ts';
import { Router } from './router.ts';
import { DevRuntime } from './runtime.ts';
import { addSchedulerRoutes } from './scheduler-routes.ts';
import { DevScheduler } from './schedules.ts';
import { addTaskRoutes } from './task-routes.ts';
import { addUnsupportedRoutes } from './unsupported-routes.ts';
import { addWorkflowRoutes } from './workflow-routes.ts';

/** Options of {@link startDevServer}. */
export interface DevServerOptions extends DefinitionRules {
  /** Port to listen on; 0 picks a free one. @default 0 */
  readonly port?: number;
  /** Address to listen on. @default '127.0.0.1' */
  readonly host?: string;
  /** Definitions to serve from the start (e.g. from `loadGenerated()`); an empty registry by default. */
  readonly registry?: Registry;
  /** A directory `npm run gen` wrote (`tasks/*.json`, `workflows/*.json`, `events/*.json`) to register at start. */
  readonly generatedDir?: string;
  /** Largest request body accepted; larger ones get 413. @default 10 MB */
  readonly maxBodyBytes?: number;
  /**
   * Finished workflow runs kept readable; beyond it the oldest are forgotten (404 by id, gone
   * from the search), as a server archives them, so memory stays flat however long it runs.
   * @default 10000
   */
  readonly retainFinishedRuns?: number;
}

/** A running dev server. */
export interface DevServer {
  /** Base URL, e.g. `http://127.0.0.1:8080`: the SDK's `serverUrl`. */
  readonly url: string;
  readonly port: number;
  /** The engine that runs the workflows (real time). */
  readonly engine: Engine;
  /** The workflow and task definitions served. */
  readonly registry: Registry;
  /** What `generatedDir` registered at start (empty without one). */
  readonly registered: GeneratedRegistration;
  /** Stops listening, ends waiting polls and closes open connections. */
  close(): Promise<void>;
}

/**
 * Starts a local Conductor-compatible server over the in-process runner: the REST subset the
 * official SDK (`@io-orkes/conductor-javascript`) uses for metadata, workflows, workers and
 * schedules (which fire on real time), on plain `node:http`. Workflows run with the runner's semantics on real time; SIMPLE tasks wait in a queue
 * that workers poll.
 *
 * @example
 * ```ts
 * const server = await startDevServer({ generatedDir: 'generated' });
 * const client = await orkesConductorClient({ serverUrl: server.url });
 * // ... MetadataClient, TaskManager, WorkflowExecutor against it ...
 * await server.close();
 * ```
 */
export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const registry = options.registry ?? new Registry();
  const store = new DefinitionStore(registry, options);
  const registered = options.generatedDir !== undefined ? await registerGeneratedDir(store, options.generatedDir) : { workflows: [], tasks: [], eventHandlers: [] };
  const runtime = new DevRuntime(store, options.retainFinishedRuns);
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;

  const router = new Router().add('GET', '/health', ({ res }) => sendJson(res, 200, { healthy: true }));
  addMetadataRoutes(router, store);
  addEventRoutes(router, store.registry);
  addWorkflowRoutes(router, runtime);
  addTaskRoutes(router, runtime);
  const scheduler = new DevScheduler(runtime);
  addSchedulerRoutes(router, scheduler);
  addUnsupportedRoutes(router);

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const { handler, params } = router.match(req.method ?? 'GET', url.pathname);
      let raw: Promise<string> | undefined;
      let parsed: Promise<unknown> | undefined;
      const text = (): Promise<string> => (raw ??= readBody(req, maxBodyBytes));
      await handler({ req, res, params, query: url.searchParams, text, body: () => (parsed ??= text().then(parseJson)) });
    } catch (error) {
      sendError(res, error);
    }
  };
  const server = createServer((req, res) => void handle(req, res));
  // Workers poll every few milliseconds: keep their connections open between requests.
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(`Port ${options.port ?? 0} on ${options.host ?? '127.0.0.1'} is in use (another server, or a dev server still running); stop it, or pick another port (--port N).`)
          : error,
      );
    });
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    engine: runtime.engine,
    registry,
    registered,
    close: () =>
      (closing ??= new Promise<void>((resolve, reject) => {
        scheduler.close();
        runtime.close();
        server.close((error) => (error === undefined ? resolve() : reject(error)));
        server.closeIdleConnections();
        // Requests still open (a long poll ends at once now) get a moment to answer; then the rest go.
        setTimeout(() => server.closeAllConnections(), 50).unref();
      })),
  };
}
