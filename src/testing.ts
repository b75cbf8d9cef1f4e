/**
 * `@k1/workflows/testing`: run generated workflows in process, with Conductor's semantics, real
 * handlers or mocks, and a virtual clock; no server needed.
 * @packageDocumentation
 */
export { run, loadGenerated, WorkflowRun } from './runner/run.ts';
export type { RunOptions, TaskHandler } from './runner/run.ts';
export { runSchedule } from './runner/run-schedule.ts';
export type { ScheduleRunOptions } from './runner/run-schedule.ts';
export { Registry } from './runner/registry.ts';
export { VirtualClock } from './runner/virtual-clock.ts';
export type { Clock, TimerKind } from './runner/virtual-clock.ts';
export { resolveParameters } from './runner/parameters.ts';
export type { ExpressionDocument } from './runner/parameters.ts';
export type { RunEvent, SubWorkflowMocks, TaskMock, TaskMocks, TaskOutcome, TaskRun, TaskRunStatus, WorkerTask, WorkflowStatus } from './runner/types.ts';
export type { EventExecution } from './runner/event-delivery.ts';
export { toTestRequest } from './runner/test-request.ts';
export type { WorkflowTestRequest } from './runner/test-request.ts';
export { StartRefused } from './runner/start-checks.ts';
export { startConductor } from './conductor/start-conductor.ts';
export type { RunningConductor, StartConductorOptions } from './conductor/start-conductor.ts';
export { startCluster } from './conductor/start-cluster.ts';
export type { RunningCluster, StartClusterOptions } from './conductor/start-cluster.ts';
export type { RunningPostgres } from './conductor/start-postgres.ts';
export type { RunningRedis } from './conductor/start-redis.ts';
export type { ChildService } from './conductor/child-service.ts';
export { CONDUCTOR_VERSION } from './conductor/version.ts';
