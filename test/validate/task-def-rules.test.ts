import { describe, expect, it } from 'vitest';
import type { TaskDef } from '../../src/conductor-types.ts';
import { validateTaskDef } from '../../src/validate/task-def-rules.ts';
import { expectOnly, raw, type ExpectedIssue } from './helpers.ts';

const good: TaskDef = {
  name: 'compile_firmware',
  ownerEmail: 'build@k1.test',
  retryCount: 2,
  retryLogic: 'EXPONENTIAL_BACKOFF',
  retryDelaySeconds: 10,
  backoffScaleFactor: 1,
  timeoutSeconds: 600,
  responseTimeoutSeconds: 600,
  totalTimeoutSeconds: 1800,
  timeoutPolicy: 'TIME_OUT_WF',
  pollTimeoutSeconds: 3600,
  rateLimitPerFrequency: 0,
  rateLimitFrequencyInSeconds: 1,
  concurrentExecLimit: 0,
};

const def = (changes: Record<string, unknown>): TaskDef => raw<TaskDef>({ ...good, ...changes });

describe('validateTaskDef', () => {
  it('accepts a complete, consistent task definition', () => {
    expect(validateTaskDef(good)).toEqual([]);
  });

  it('accepts the minimum: a name, an owner and a timeout that leaves room for the default response timeout', () => {
    expect(validateTaskDef(raw<TaskDef>({ name: 'x', ownerEmail: 'a@b.c', timeoutSeconds: 0 }))).toEqual([]);
  });

  const cases: [string, Record<string, unknown>, ExpectedIssue][] = [
    ['a missing name', { name: '' }, { code: 'TASKDEF_NAME_MISSING', severity: 'error', path: 'task (unnamed) → name', says: ['no name'], fix: 'Set "name" to the task type workers poll for.' }],
    ['an ownerEmail that is no address', { ownerEmail: 'build team' }, { code: 'TASKDEF_OWNER_EMAIL_INVALID', severity: 'error', path: 'task compile_firmware → ownerEmail', says: ['"build team" is not an email address'], fix: 'Set it to an address like "team@example.com".' }],
    ['a negative retryCount', { retryCount: -1 }, { code: 'TASKDEF_RETRY_COUNT', severity: 'error', path: 'task compile_firmware → retryCount', says: ['retryCount is -1', 'only accepts 0 or more'], fix: 'Set it to at least 0.' }],
    ['a zero responseTimeoutSeconds', { responseTimeoutSeconds: 0 }, { code: 'TASKDEF_RESPONSE_TIMEOUT', severity: 'error', path: 'task compile_firmware → responseTimeoutSeconds', says: ['responseTimeoutSeconds is 0'], fix: 'Set it to at least 1.' }],
    ['a zero backoffScaleFactor', { backoffScaleFactor: 0 }, { code: 'TASKDEF_BACKOFF_SCALE', severity: 'error', path: 'task compile_firmware → backoffScaleFactor', says: ['backoffScaleFactor is 0'], fix: 'Set it to at least 1.' }],
    ['a negative pollTimeoutSeconds', { pollTimeoutSeconds: -5 }, { code: 'TASKDEF_NEGATIVE_VALUE', severity: 'error', path: 'task compile_firmware → pollTimeoutSeconds', says: ['pollTimeoutSeconds is -5'], fix: 'Set it to at least 0.' }],
    ['a negative concurrentExecLimit', { concurrentExecLimit: -2 }, { code: 'TASKDEF_NEGATIVE_VALUE', severity: 'error', path: 'task compile_firmware → concurrentExecLimit', says: ['concurrentExecLimit is -2'], fix: 'Set it to at least 0.' }],
    ['a responseTimeoutSeconds above timeoutSeconds', { responseTimeoutSeconds: 900 }, { code: 'TASKDEF_RESPONSE_TIMEOUT_EXCEEDS', severity: 'error', path: 'task compile_firmware → responseTimeoutSeconds', says: ['is 900, more than timeoutSeconds 600'], fix: 'Set responseTimeoutSeconds to at most 600, or raise timeoutSeconds.' }],
    ['a left-out responseTimeoutSeconds whose default exceeds timeoutSeconds', { responseTimeoutSeconds: undefined }, { code: 'TASKDEF_RESPONSE_TIMEOUT_EXCEEDS', severity: 'error', path: 'task compile_firmware → responseTimeoutSeconds', says: ['left out, so the server uses 3600'], fix: 'Set responseTimeoutSeconds to at most 600, or raise timeoutSeconds.' }],
    ['a timeoutSeconds above totalTimeoutSeconds', { totalTimeoutSeconds: 300 }, { code: 'TASKDEF_TOTAL_TIMEOUT', severity: 'error', path: 'task compile_firmware → timeoutSeconds', says: ['timeoutSeconds 600 is more than totalTimeoutSeconds 300'], fix: 'Set timeoutSeconds to at most 300, or raise totalTimeoutSeconds (0 means no total limit).' }],
    ['an unknown retryLogic', { retryLogic: 'RANDOM' }, { code: 'TASKDEF_RETRY_LOGIC', severity: 'error', path: 'task compile_firmware → retryLogic', says: ['"RANDOM"'], fix: 'Use one of "FIXED", "EXPONENTIAL_BACKOFF", "LINEAR_BACKOFF".' }],
    ['an unknown timeoutPolicy', { timeoutPolicy: 'TIME_OUT_WORKFLOW' }, { code: 'TASKDEF_TIMEOUT_POLICY', severity: 'error', path: 'task compile_firmware → timeoutPolicy', says: ['"TIME_OUT_WORKFLOW"'], fix: 'Use one of "RETRY", "TIME_OUT_WF", "ALERT_ONLY".' }],
    ['a count given as text', { retryCount: '3' }, { code: 'FIELD_TYPE', severity: 'error', path: 'task compile_firmware → retryCount', says: ['retryCount is a string'], fix: 'Set it to a whole number of at least 0.' }],
    ['a fractional timeout', { retryDelaySeconds: 1.5 }, { code: 'FIELD_TYPE', severity: 'error', path: 'task compile_firmware → retryDelaySeconds', says: ['1.5, not a whole number'], fix: 'Set it to a whole number of at least 0.' }],
  ];
  it.each(cases)('reports %s', (_what, changes, expected) => {
    expectOnly(validateTaskDef(def(changes)), expected);
  });

  it('uses the given path prefix to name the definition', () => {
    expectOnly(validateTaskDef(def({ retryCount: -1 }), 'task contract compile'), {
      code: 'TASKDEF_RETRY_COUNT', severity: 'error',
      path: 'task contract compile → retryCount',
      fix: 'Set it to at least 0.',
    });
  });

  // conductor-oss 3.32.3 as shipped (ownerEmailMandatory=false) registers task definitions without ownerEmail.
  it('requires ownerEmail only when told the server does (Orkes, ownerEmailMandatory=true)', () => {
    expect(validateTaskDef(def({ ownerEmail: undefined }))).toEqual([]);
    expectOnly(validateTaskDef(def({ ownerEmail: undefined }), undefined, { requireOwnerEmail: true }), {
      code: 'TASKDEF_OWNER_EMAIL_MISSING',
      severity: 'error',
      path: 'task compile_firmware → ownerEmail',
      says: ['no ownerEmail', 'conductor.app.ownerEmailMandatory=true'],
      fix: 'Set "ownerEmail" to the owning team\'s address.',
    });
  });

  it('reports every problem at once', () => {
    const codes = validateTaskDef(def({ retryCount: -1, backoffScaleFactor: 0, timeoutPolicy: 'NOPE' })).map((i) => i.code);
    expect(codes).toEqual(['TASKDEF_RETRY_COUNT', 'TASKDEF_BACKOFF_SCALE', 'TASKDEF_TIMEOUT_POLICY']);
  });

  it('reports a value that is not an object instead of throwing', () => {
    for (const value of [null, 42, 'compile', [good]]) {
      expectOnly(validateTaskDef(raw<TaskDef>(value)), {
        code: 'TASKDEF_NOT_OBJECT', severity: 'error',
        path: 'task',
        says: ['must be a JSON object'],
        fix: 'Replace it with an object that has at least "name" and "ownerEmail".',
      });
    }
  });
});
