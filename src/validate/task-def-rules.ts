import type { TaskDef } from '../conductor-types.ts';
import { issuePath, type DefinitionIssue } from '../issues.ts';
import { describeJsonType, isJsonObject, isNonBlankString, isPresent, quote, type JsonObject } from './json-value.ts';

/** Options for {@link validateTaskDef}. */
export interface TaskDefValidationOptions {
  /**
   * Require `ownerEmail`, as servers with `conductor.app.ownerEmailMandatory=true` and Orkes do.
   * Off by default, as on conductor-oss as shipped (see `ValidationContext.requireOwnerEmail`);
   * task contracts and `gen` turn it on.
   * @default false
   */
  readonly requireOwnerEmail?: boolean;
}

/** The server's default when a TaskDef leaves `responseTimeoutSeconds` out. */
const DEFAULT_RESPONSE_TIMEOUT_SECONDS = 3600;

const RETRY_LOGIC = ['FIXED', 'EXPONENTIAL_BACKOFF', 'LINEAR_BACKOFF'];
const TIMEOUT_POLICY = ['RETRY', 'TIME_OUT_WF', 'ALERT_ONLY'];

/** Whole-number fields and the smallest value the server accepts for each. */
const MINIMUMS: readonly (readonly [field: string, min: number])[] = [
  ['retryCount', 0],
  ['responseTimeoutSeconds', 1],
  ['backoffScaleFactor', 1],
  ['timeoutSeconds', 0],
  ['totalTimeoutSeconds', 0],
  ['retryDelaySeconds', 0],
  ['pollTimeoutSeconds', 0],
  ['rateLimitPerFrequency', 0],
  ['rateLimitFrequencyInSeconds', 0],
  ['concurrentExecLimit', 0],
];

/** Codes for the fields whose minimum has its own rule; the rest share TASKDEF_NEGATIVE_VALUE. */
const MINIMUM_CODES: Readonly<Record<string, string>> = {
  retryCount: 'TASKDEF_RETRY_COUNT',
  responseTimeoutSeconds: 'TASKDEF_RESPONSE_TIMEOUT',
  backoffScaleFactor: 'TASKDEF_BACKOFF_SCALE',
};

/**
 * Checks a TaskDef against the rules the Conductor server applies when it is registered
 * (`TaskDef.java`, `TaskTimeoutConstraint`), returning every problem. Never throws, whatever
 * the input holds.
 * @param pathPrefix names the definition in issue paths. @default `task <name>`
 * @example validateTaskDef({ name: 'compile', timeoutSeconds: 60, responseTimeoutSeconds: 120, ... })
 * // → [{ code: 'TASKDEF_RESPONSE_TIMEOUT_EXCEEDS', path: 'task compile → responseTimeoutSeconds', ... }]
 */
export function validateTaskDef(def: TaskDef, pathPrefix?: string, options: TaskDefValidationOptions = {}): DefinitionIssue[] {
  const raw: unknown = def;
  if (!isJsonObject(raw)) {
    return [
      {
        code: 'TASKDEF_NOT_OBJECT',
        severity: 'error',
        path: pathPrefix ?? 'task',
        message: `A task definition must be a JSON object, but this is ${describeJsonType(raw)}. Replace it with an object that has at least "name" and "ownerEmail".`,
      },
    ];
  }
  const label = pathPrefix ?? (isNonBlankString(raw.name) ? `task ${raw.name}` : 'task (unnamed)');
  const at = (field: string): string => issuePath(label, field);
  const issues: DefinitionIssue[] = [];

  if (!isNonBlankString(raw.name)) {
    issues.push({
      code: 'TASKDEF_NAME_MISSING',
      severity: 'error',
      path: at('name'),
      message: `The task definition has no name (${isPresent(raw.name) ? describeJsonType(raw.name) : 'missing'}); the server rejects it. Set "name" to the task type workers poll for.`,
    });
  }
  issues.push(...ownerEmailIssues(raw, at, options.requireOwnerEmail ?? false));
  const numbers = numberFields(raw, at, issues);
  issues.push(...timeoutIssues(numbers, raw, at));
  issues.push(...enumIssue(raw, 'retryLogic', RETRY_LOGIC, 'TASKDEF_RETRY_LOGIC', at));
  issues.push(...enumIssue(raw, 'timeoutPolicy', TIMEOUT_POLICY, 'TASKDEF_TIMEOUT_POLICY', at));
  return issues;
}

function ownerEmailIssues(raw: JsonObject, at: (field: string) => string, required: boolean): DefinitionIssue[] {
  const email = raw.ownerEmail;
  if (!isPresent(email) || email === '') {
    if (!required) return [];
    return [
      {
        code: 'TASKDEF_OWNER_EMAIL_MISSING',
        severity: 'error',
        path: at('ownerEmail'),
        message: 'The task definition has no ownerEmail; servers that make it mandatory (conductor.app.ownerEmailMandatory=true, and Orkes) reject it. Set "ownerEmail" to the owning team\'s address.',
      },
    ];
  }
  if (typeof email !== 'string' || !/^[^@\s]+@[^@\s]+$/.test(email)) {
    return [
      {
        code: 'TASKDEF_OWNER_EMAIL_INVALID',
        severity: 'error',
        path: at('ownerEmail'),
        message: `ownerEmail ${quote(email)} is not an email address; the server rejects it. Set it to an address like "team@example.com".`,
      },
    ];
  }
  return [];
}

/** Checks the whole-number fields and returns the ones that hold whole numbers. */
function numberFields(raw: JsonObject, at: (field: string) => string, issues: DefinitionIssue[]): Map<string, number> {
  const numbers = new Map<string, number>();
  for (const [field, min] of MINIMUMS) {
    const value = raw[field];
    if (!isPresent(value)) continue;
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      issues.push({
        code: 'FIELD_TYPE',
        severity: 'error',
        path: at(field),
        message: `${field} is ${typeof value === 'number' ? `${value}, not a whole number` : describeJsonType(value)}. Set it to a whole number of at least ${min}.`,
      });
      continue;
    }
    numbers.set(field, value);
    if (value < min) {
      issues.push({
        code: MINIMUM_CODES[field] ?? 'TASKDEF_NEGATIVE_VALUE',
        severity: 'error',
        path: at(field),
        message: `${field} is ${value}, but the server only accepts ${min} or more. Set it to at least ${min}.`,
      });
    }
  }
  return numbers;
}

function timeoutIssues(numbers: Map<string, number>, raw: JsonObject, at: (field: string) => string): DefinitionIssue[] {
  const issues: DefinitionIssue[] = [];
  const timeout = numbers.get('timeoutSeconds') ?? 0;
  const total = numbers.get('totalTimeoutSeconds') ?? 0;
  const responseGiven = isPresent(raw.responseTimeoutSeconds);
  const response = numbers.get('responseTimeoutSeconds') ?? (responseGiven ? undefined : DEFAULT_RESPONSE_TIMEOUT_SECONDS);
  if (timeout > 0 && response !== undefined && response > timeout) {
    issues.push({
      code: 'TASKDEF_RESPONSE_TIMEOUT_EXCEEDS',
      severity: 'error',
      path: at('responseTimeoutSeconds'),
      message: `responseTimeoutSeconds ${responseGiven ? `is ${response}` : `is left out, so the server uses ${response}`}, more than timeoutSeconds ${timeout}; the server rejects this. Set responseTimeoutSeconds to at most ${timeout}, or raise timeoutSeconds.`,
    });
  }
  if (total > 0 && timeout > total) {
    issues.push({
      code: 'TASKDEF_TOTAL_TIMEOUT',
      severity: 'error',
      path: at('timeoutSeconds'),
      message: `timeoutSeconds ${timeout} is more than totalTimeoutSeconds ${total}, so a single attempt could outlast all attempts together. Set timeoutSeconds to at most ${total}, or raise totalTimeoutSeconds (0 means no total limit).`,
    });
  }
  return issues;
}

function enumIssue(raw: JsonObject, field: string, allowed: readonly string[], code: string, at: (field: string) => string): DefinitionIssue[] {
  const value = raw[field];
  if (!isPresent(value) || (typeof value === 'string' && allowed.includes(value))) return [];
  return [
    {
      code,
      severity: 'error',
      path: at(field),
      message: `${field} ${quote(value)} is not one the server knows. Use one of ${allowed.map((a) => `"${a}"`).join(', ')}.`,
    },
  ];
}
