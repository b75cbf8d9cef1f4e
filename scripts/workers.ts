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
import { createK1Workers, K1_METRICS, k1ServicesFromConfig, k1WorkerSettings, type K1Services, type K1Settings } from '../definitions/workers/index.ts';
import { jsonLogger, parseWorkerEnv, runWorkers, runWorkersOptions, WORKER_ENV_VARIABLES, WorkerError, type WorkerEnv } from '../src/worker/index.ts';

function help(): string {
  const variables = [...WORKER_ENV_VARIABLES, ...k1WorkerSettings.variables];
  const width = Math.max(...variables.map((v) => v.name.length));
  const lines = variables.map((v) => `  ${v.name.padEnd(width)}  ${v.required ? '(required) ' : ''}${v.description}; e.g. ${v.example}${v.default !== undefined ? ` (default ${v.default})` : ''}`);
  return ['Usage: npm run workers', '', 'Runs the K1 workers against a Conductor server. Environment variables:', ...lines].join('\n');
}

async function main(): Promise<number> {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    console.log(help());
    return 0;
  }
  let config: WorkerEnv<K1Settings>;
  try {
    config = parseWorkerEnv(process.env, { settings: k1WorkerSettings });
  } catch (error) {
    if (!(error instanceof WorkerError)) throw error;
    console.error(`${error.message}\n\nnpm run workers -- --help lists every variable.`);
    return 2;
  }

  let services: K1Services;
  try {
    // Builds the PlatformIO, git, device, artifact store ... services; checks the rest of the config.
    services = k1ServicesFromConfig({ ...config.settings, conductor: config.conductor });
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    return 2;
  }

  try {
    const running = await runWorkers({
      ...runWorkersOptions(config),
      logger: jsonLogger,
      metrics: K1_METRICS,
      workers: ({ signal }) => createK1Workers(services, { signal }),
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
