/**
 * `@k1/workflows` workers: bind handlers to task contracts ({@link createWorker}) and run them
 * against a Conductor server with graceful shutdown, health and metrics ({@link runWorkers}).
 * @packageDocumentation
 */
export { callBackLater, createWorker, describeIssues, overdueHandler, TerminalError } from './create-worker.ts';
export type { CallBackLater, ExecutionObserver, OverdueHandler, TaskContext, TaskHandler, WorkerOptions } from './create-worker.ts';
export { normalizeServerUrl, runWorkers } from './run-workers.ts';
export type { HeldTask, RunningWorkers, RunWorkersOptions, StoppedTask, StopReport, StuckHandler, WorkerBinding, WorkerHealth, WorkerStatus } from './run-workers.ts';
export { WORKER_METRIC_NAMES } from './worker-metrics.ts';
export type { ExecutionStatus, TaskTally } from './worker-metrics.ts';
export { parseWorkerEnv, runWorkersOptions, WORKER_ENV_VARIABLES } from './worker-env.ts';
export type { EnvFileSystem, EnvReader, EnvVariable, ParseWorkerEnvOptions, WorkerEnv, WorkerSettings } from './worker-env.ts';
export type { InFlightPhase } from './in-flight.ts';
export { WorkerError } from './worker-error.ts';
export type { WorkerErrorCode, WorkerProblem } from './worker-error.ts';
export { createJsonLogger, jsonLogger, silentLogger } from './worker-logger.ts';
export type { JsonLoggerOptions, LogFields, WorkerLogger } from './worker-logger.ts';
