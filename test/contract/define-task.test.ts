import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DefinitionError, defineTask, TASK_DEFAULTS, toTaskDef, withDefaults } from '../../src/index.ts';

const input = z.object({
  environment: z.string().describe('PlatformIO environment'),
  clean: z.boolean().default(false).describe('Remove old output first'),
});
const output = z.object({ firmware_bin_path: z.string().describe('Path of firmware.bin') });

describe('defineTask', () => {
  it('compiles to a TaskDef with every option explicit, the keys, and both JSON Schemas with descriptions', () => {
    const contract = defineTask({ name: 'compile', description: 'Builds.', input, output, ownerEmail: 'build-team@example.com', retryCount: 1, timeoutSeconds: 300, responseTimeoutSeconds: 300 });
    expect(toTaskDef(contract)).toEqual({
      name: 'compile',
      description: 'Builds.',
      ownerEmail: 'build-team@example.com',
      retryCount: 1,
      retryLogic: 'EXPONENTIAL_BACKOFF',
      retryDelaySeconds: 10,
      backoffScaleFactor: 1,
      timeoutSeconds: 300,
      responseTimeoutSeconds: 300,
      totalTimeoutSeconds: 0,
      timeoutPolicy: 'TIME_OUT_WF',
      pollTimeoutSeconds: 3600,
      rateLimitPerFrequency: 0,
      rateLimitFrequencyInSeconds: 1,
      concurrentExecLimit: 0,
      inputKeys: ['environment', 'clean'],
      outputKeys: ['firmware_bin_path'],
      inputSchema: {
        name: 'compile_input',
        version: 1,
        type: 'JSON',
        data: {
          $schema: 'http://json-schema.org/draft-07/schema#',
          type: 'object',
          properties: {
            environment: { type: 'string', description: 'PlatformIO environment' },
            clean: { type: 'boolean', default: false, description: 'Remove old output first' },
          },
          required: ['environment'],
          additionalProperties: false,
        },
      },
      outputSchema: {
        name: 'compile_output',
        version: 1,
        type: 'JSON',
        data: {
          $schema: 'http://json-schema.org/draft-07/schema#',
          type: 'object',
          properties: { firmware_bin_path: { type: 'string', description: 'Path of firmware.bin' } },
          required: ['firmware_bin_path'],
          additionalProperties: false,
        },
      },
      enforceSchema: false,
    });
  });

  it("fills every option left out from the toolkit's defaults, never the server ad-hoc ones; no owner", () => {
    const contract = defineTask({ name: 'plain', description: 'Plain.', input, output });
    expect(contract.options).toStrictEqual(TASK_DEFAULTS);
    expect('ownerEmail' in toTaskDef(contract)).toBe(false);
    expect(contract.options.retryDelaySeconds).not.toBe(60);
    expect(contract.options.responseTimeoutSeconds).not.toBe(3600);
  });

  it('rejects invalid options where the contract is written, listing every problem with a fix', () => {
    let error: unknown;
    try {
      // @ts-expect-error tsc refuses the contradiction as well (CheckedTimeouts); this checks what defineTask does when it runs.
      defineTask({ name: 'bad', description: 'Bad.', input, output, retryCount: -1, timeoutSeconds: 60, responseTimeoutSeconds: 120, backoffScaleFactor: 0 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DefinitionError);
    const issues = (error as DefinitionError).issues;
    expect(issues.map((i) => i.code).sort()).toEqual(['TASKDEF_BACKOFF_SCALE', 'TASKDEF_RESPONSE_TIMEOUT_EXCEEDS', 'TASKDEF_RETRY_COUNT']);
    const exceeds = issues.find((i) => i.code === 'TASKDEF_RESPONSE_TIMEOUT_EXCEEDS');
    expect(exceeds?.path).toBe('task bad → responseTimeoutSeconds');
    expect(exceeds?.message).toMatch(/120.*60/);
    expect((error as Error).message).toContain('3 problems in task contract "bad"');
  });

  it('rejects a total timeout shorter than one attempt', () => {
    // @ts-expect-error tsc refuses the contradiction as well (CheckedTimeouts); this checks what defineTask does when it runs.
    expect(() => defineTask({ name: 'bad', description: 'Bad.', input, output, timeoutSeconds: 600, totalTimeoutSeconds: 300 })).toThrow(/TASKDEF_TOTAL_TIMEOUT task bad → /);
  });

  describe('timeout defaults follow the timeouts a contract sets', () => {
    it('timeoutSeconds: 300 alone gives responseTimeoutSeconds 300, not the default 600 the server would refuse', () => {
      const contract = defineTask({ name: 'quick', description: 'Quick.', input, output, timeoutSeconds: 300 });
      expect(contract.options.timeoutSeconds).toBe(300);
      expect(contract.options.responseTimeoutSeconds).toBe(300);
      expect(toTaskDef(contract).responseTimeoutSeconds).toBe(300);
    });

    it('a total limit below the default caps timeoutSeconds, and a long response timeout raises it', () => {
      expect(withDefaults({ totalTimeoutSeconds: 120 })).toMatchObject({ timeoutSeconds: 120, responseTimeoutSeconds: 120, totalTimeoutSeconds: 120 });
      expect(withDefaults({ responseTimeoutSeconds: 1800 })).toMatchObject({ timeoutSeconds: 1800, responseTimeoutSeconds: 1800 });
      expect(withDefaults({ timeoutSeconds: 0 })).toMatchObject({ timeoutSeconds: 0, responseTimeoutSeconds: TASK_DEFAULTS.responseTimeoutSeconds });
      expect(withDefaults({})).toEqual(TASK_DEFAULTS);
    });

    it('keeps values the contract sets, and names the default behind a problem with one it left out', () => {
      let error: unknown;
      try {
        defineTask({ name: 'slow', description: 'Slow.', input, output, responseTimeoutSeconds: 1800, totalTimeoutSeconds: 900 });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(DefinitionError);
      const [issue] = (error as DefinitionError).issues;
      expect(issue?.code).toBe('TASKDEF_TOTAL_TIMEOUT');
      expect(issue?.message).toContain('timeoutSeconds 1800 is more than totalTimeoutSeconds 900');
      expect(issue?.message).toContain("timeoutSeconds is not set on this contract: 1800 is the toolkit's default, TASK_DEFAULTS.timeoutSeconds = 600, fitted to the timeouts this contract sets; set timeoutSeconds here to choose another.");
    });

    it('says nothing of defaults when the contract set both values itself', () => {
      // @ts-expect-error tsc refuses the contradiction as well (CheckedTimeouts); this checks what defineTask does when it runs.
      expect(() => defineTask({ name: 'both', description: 'Both.', input, output, timeoutSeconds: 60, responseTimeoutSeconds: 120 })).toThrow(
        /responseTimeoutSeconds is 120, more than timeoutSeconds 60; the server rejects this\. Set responseTimeoutSeconds to at most 60, or raise timeoutSeconds\.$/m,
      );
    });
  });
});
