/**
 * `npm run workers`: runs the K1 workers against a Conductor server, configured by environment
 * variables (`npm run workers -- --help` lists them). Health, status and Prometheus metrics are on
 * HEALTH_HOST:HEALTH_PORT (`/health`, `/status`, `/metrics`). On SIGTERM or SIGINT it stops
 * polling, lets running tasks finish and report (up to SHUTDOWN_TIMEOUT_MS, then hands them back
 * to the queue), and exits.
 *
 * Exit codes: 0 stopped cleanly (handed-back tasks included), 1 a result could not be reported or
 * the workers could not start, 2 the configuration is wrong (every problem printed at once).
 */
import { pathToFileURL } from 'node:url';
import type { ConductorWorker } from '@io-orkes/conductor-javascript';
import { consoleLogger, parseWorkerEnv, runWorkers, runWorkersOptions, WORKER_ENV_VARIABLES, WorkerError, type K1Settings, type WorkerEnv } from '../src/worker/index.ts';

/** What the K1 handlers get: the machine settings, the Conductor connection, the shutdown signal. */
export interface K1WorkerDeps extends K1Settings {
  readonly conductor: WorkerEnv['conductor'];
  /** Aborted when shutdown reaches its deadline; pass it to createWorker(..., { signal }). */
  readonly signal: AbortSignal;
}

/** The module that binds every K1 task contract to its handler. */
interface K1WorkersModule {
  createK1Workers(deps: K1WorkerDeps): readonly ConductorWorker[];
}

// TODO(lead): definitions/workers/index.ts (createK1Workers) is being written; once it exports
// createK1Workers(deps), replace this dynamic import with a static one and check K1WorkerDeps
// against its parameter type.
const K1_WORKERS_MODULE = new URL('../definitions/workers/index.ts', import.meta.url);

function help(): string {
  const width = Math.max(...WORKER_ENV_VARIABLES.map((v) => v.name.length));
  const lines = WORKER_ENV_VARIABLES.map((v) => `  ${v.name.padEnd(width)}  ${v.required ? '(required) ' : ''}${v.description}; e.g. ${v.example}${v.default !== undefined ? ` (default ${v.default})` : ''}`);
  return ['Usage: npm run workers', '', 'Runs the K1 workers against a Conductor server. Environment variables:', ...lines].join('\n');
}

async function main(): Promise<number> {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    console.log(help());
    return 0;
  }
  let config: WorkerEnv;
  try {
    config = parseWorkerEnv(process.env);
  } catch (error) {
    if (!(error instanceof WorkerError)) throw error;
    console.error(`${error.message}\n\nnpm run workers -- --help lists every variable.`);
    return 2;
  }

  let k1: K1WorkersModule;
  try {
    k1 = (await import(pathToFileURL(K1_WORKERS_MODULE.pathname).href)) as K1WorkersModule;
  } catch (error) {
    console.error(`Cannot load the K1 workers from ${K1_WORKERS_MODULE.pathname}: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
  if (typeof k1.createK1Workers !== 'function') {
    console.error(`${K1_WORKERS_MODULE.pathname} does not export createK1Workers(deps).`);
    return 1;
  }

  try {
    const running = await runWorkers({
      ...runWorkersOptions(config),
      logger: consoleLogger,
      workers: ({ signal }) => k1.createK1Workers({ ...config.k1, conductor: config.conductor, signal }),
    });
    const report = await running.stopped;
    return report.unreported.length > 0 ? 1 : 0;
  } catch (error) {
    if (!(error instanceof WorkerError)) throw error;
    console.error(error.message);
    return error.code === 'INVALID_OPTIONS' || error.code === 'ENV_CONFLICT' || error.code === 'HEALTH_SERVER' ? 2 : 1;
  }
}

process.exitCode = await main();
