import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { BuildLogScanner, type BuildLogFacts } from './build-log.ts';
import { assertDeviceAddress } from './device-address.ts';
import { joinInside, PathEscapeError } from '../../src/path-containment.ts';
import { runProcess } from './run-process.ts';

/** PlatformIO environment names: the only characters ever passed to `pio -e`. */
export const ENVIRONMENT_PATTERN = /^[A-Za-z0-9_-]+$/;

/** A PlatformIO environment name that is not letters, digits, `_` and `-`. */
export class InvalidEnvironmentError extends Error {
  readonly code = 'invalid_environment';
  constructor(readonly environment: string) {
    super(`Invalid PlatformIO environment ${JSON.stringify(environment)}: use letters, digits, "_" and "-" only (e.g. esp32-s3-devkitc-1)`);
    this.name = 'InvalidEnvironmentError';
  }
}

/** Throws {@link InvalidEnvironmentError} unless `environment` is a safe environment name. */
export function assertEnvironment(environment: string): void {
  if (typeof environment !== 'string' || !ENVIRONMENT_PATTERN.test(environment) || environment.length > 100) {
    throw new InvalidEnvironmentError(String(environment));
  }
}

/** An OTA upload that did not complete. */
export class UploadError extends Error {
  readonly code = 'upload_failed';
  constructor(message: string, readonly log: string) {
    super(message);
    this.name = 'UploadError';
  }
}

/** The firmware an upload was asked to flash is not the firmware it was given. */
export class FirmwareMismatchError extends Error {
  readonly code = 'firmware_mismatch';
  constructor(readonly path: string, readonly expected: string, readonly actual: string) {
    super(`Firmware ${path} has sha256 ${actual}, not ${expected}: the stored artifact changed or is damaged, so nothing was flashed; build and store it again`);
    this.name = 'FirmwareMismatchError';
  }
}

/** Options of {@link createPlatformIO}. */
export interface PlatformIOOptions {
  /** The PlatformIO project (where platformio.ini is). */
  readonly projectDir: string;
  /** The `pio` executable. @default 'pio' (found on PATH) */
  readonly pioPath?: string;
  /** Longest build, ms. @default 280000 (inside the task's 300 s timeout, so the task can still report) */
  readonly buildTimeoutMs?: number;
  /** Longest OTA upload, ms. @default 170000 */
  readonly uploadTimeoutMs?: number;
  /** Most bytes of log kept (the tail). @default 262144 */
  readonly logCapBytes?: number;
  /** Extra environment variables for pio. */
  readonly env?: Readonly<Record<string, string>>;
  /** HTTP API port of devices whose address names none, for `K1_DEVICE_ADDRESS` (see `upload`). @default 80 */
  readonly deviceApiPort?: number;
  /** Where uploads stage the firmware they flash (a private build directory per upload). @default <os tmpdir> */
  readonly scratchDir?: string;
}

/** One `pio run -e <env>`. */
export interface BuildResult {
  /** Exit code 0 and firmware.bin present. */
  readonly success: boolean;
  /** Absolute path of firmware.bin; empty when the build failed. */
  readonly firmwareBinPath: string;
  /** The build log (capped, the tail kept). */
  readonly log: string;
  /** First compiler error (or why the build failed); empty on success. */
  readonly errorMessage: string;
  /** RAM, Flash and warnings, scanned over the whole output (not only the kept tail). */
  readonly facts: BuildLogFacts;
  readonly durationMs: number;
}

/** One OTA upload. */
export interface UploadResult {
  readonly durationMs: number;
  readonly log: string;
}

/** Builds, cleans and uploads firmware with the PlatformIO CLI. */
export interface PlatformIO {
  readonly projectDir: string;
  /**
   * `pio run -e <environment>` in `options.projectDir` (a build's own worktree) or the configured
   * project; a failed compile is a result (success false), not an exception.
   */
  build(environment: string, options?: { signal?: AbortSignal; projectDir?: string }): Promise<BuildResult>;
  /** Removes `.pio/build/<environment>`; returns the directories removed. */
  clean(environment: string): Promise<{ removedPaths: string[] }>;
  /**
   * Uploads `firmwarePath` over the air. The firmware is copied into a build directory of this
   * upload's own (`PLATFORMIO_BUILD_DIR`, so the project's `.pio/` is never written and two
   * uploads never share a file) and, when `sha256` is given, the copy's sha256 must be it or
   * nothing is flashed ({@link FirmwareMismatchError}): the bytes uploaded are the bytes asked
   * for. Then `pio run -e <environment>-ota -t nobuild -t upload --upload-port <host>` runs in
   * the project (nobuild: upload that exact binary, never rebuild). `device` is a device address
   * (`host` or `host:port`): espota gets the host (its own OTA port comes from platformio.ini),
   * and pio's environment gets `K1_DEVICE_ADDRESS`, the device API's `host:port` (PlatformIO
   * ignores it; an `extra_scripts` hook or the rig's fake pio reads it). Throws {@link UploadError}.
   */
  upload(environment: string, firmwarePath: string, device: string, options?: { signal?: AbortSignal; sha256?: string }): Promise<UploadResult>;
}

/** Why a failed pio run failed, in one line. */
function failureReason(what: string, exitCode: number | null, timedOut: boolean, aborted: boolean, timeoutMs: number, facts: BuildLogFacts, output: string): string {
  if (timedOut) return `${what} timed out after ${Math.round(timeoutMs / 1000)} s`;
  if (aborted) return `${what} was aborted (worker shutting down)`;
  if (facts.firstError !== '') return facts.firstError;
  const last = output.trimEnd().split('\n').pop()?.trim() ?? '';
  return `${what} exited with code ${exitCode}${last !== '' ? `: ${last}` : ''}`;
}

/**
 * The PlatformIO service. Environment names are checked before anything runs; pio is started with
 * an argument array (no shell) in the project directory.
 *
 * @example
 * ```ts
 * const pio = createPlatformIO({ projectDir: '/srv/K1.node1/firmware' });
 * const result = await pio.build('esp32-s3-devkitc-1');
 * ```
 */
export function createPlatformIO(options: PlatformIOOptions): PlatformIO {
  const projectDir = options.projectDir;
  const pio = options.pioPath ?? 'pio';
  const buildTimeoutMs = options.buildTimeoutMs ?? 280_000;
  const uploadTimeoutMs = options.uploadTimeoutMs ?? 170_000;
  const logCap = options.logCapBytes ?? 256 * 1024;
  const env = { PLATFORMIO_DISABLE_COLOR: 'true', ...options.env };
  const scratchDir = options.scratchDir ?? tmpdir();
  const buildDir = (environment: string): Promise<string> => joinInside(projectDir, '.pio', 'build', environment);

  return {
    projectDir,

    async build(environment, runOptions = {}) {
      assertEnvironment(environment);
      const dir = runOptions.projectDir ?? projectDir;
      const scanner = new BuildLogScanner();
      const run = await runProcess(pio, ['run', '-e', environment], {
        cwd: dir,
        timeoutMs: buildTimeoutMs,
        env,
        maxOutputBytes: logCap,
        onLine: (line) => scanner.line(line),
        ...(runOptions.signal && { signal: runOptions.signal }),
      });
      const facts = scanner.facts();
      // A firmware.bin that is a symbolic link out of the project (a hostile checkout) is no build output.
      const bin = await joinInside(dir, '.pio', 'build', environment, 'firmware.bin').catch((error: unknown) => {
        if (error instanceof PathEscapeError) return undefined;
        throw error;
      });
      const built = run.exitCode === 0 && bin !== undefined && (await isFile(bin));
      let errorMessage = '';
      if (bin === undefined) {
        errorMessage = `pio run -e ${environment}: .pio/build/${environment}/firmware.bin leads outside the project ${dir} (symbolic links resolved); refused`;
      } else if (!built) {
        errorMessage =
          run.exitCode === 0 && !run.timedOut
            ? `pio run -e ${environment} succeeded but ${bin} is missing`
            : failureReason(`pio run -e ${environment}`, run.exitCode, run.timedOut, run.aborted, buildTimeoutMs, facts, run.output);
      }
      return { success: built, firmwareBinPath: built && bin !== undefined ? bin : '', log: run.output, errorMessage, facts, durationMs: run.durationMs };
    },

    async clean(environment) {
      assertEnvironment(environment);
      const dir = await buildDir(environment);
      if (!(await exists(dir))) return { removedPaths: [] };
      await rm(dir, { recursive: true, force: true });
      return { removedPaths: [dir] };
    },

    async upload(environment, firmware, device, runOptions = {}) {
      assertEnvironment(environment);
      const otaEnvironment = `${environment}-ota`;
      assertEnvironment(otaEnvironment);
      const { host, port } = assertDeviceAddress(device);
      const apiPort = port ?? options.deviceApiPort ?? 80;
      if (!(await isFile(firmware))) throw new UploadError(`Firmware ${firmware} does not exist or is not a file`, '');
      await mkdir(scratchDir, { recursive: true });
      const buildDir = await mkdtemp(join(scratchDir, 'k1-upload-'));
      try {
        const target = join(buildDir, otaEnvironment, 'firmware.bin'); // our own temporary directory; the environment is a checked name
        await mkdir(dirname(target), { recursive: true });
        await copyFile(firmware, target);
        if (runOptions.sha256 !== undefined) {
          const actual = await sha256Of(target);
          if (actual !== runOptions.sha256) throw new FirmwareMismatchError(firmware, runOptions.sha256, actual);
        }
        const scanner = new BuildLogScanner();
        const run = await runProcess(pio, ['run', '-e', otaEnvironment, '-t', 'nobuild', '-t', 'upload', '--upload-port', host], {
          cwd: projectDir,
          timeoutMs: uploadTimeoutMs,
          env: { ...env, PLATFORMIO_BUILD_DIR: buildDir, K1_DEVICE_ADDRESS: `${host}:${apiPort}` },
          maxOutputBytes: logCap,
          onLine: (line) => scanner.line(line),
          ...(runOptions.signal && { signal: runOptions.signal }),
        });
        if (run.exitCode !== 0) {
          const reason = failureReason(`OTA upload to ${device}`, run.exitCode, run.timedOut, run.aborted, uploadTimeoutMs, scanner.facts(), run.output);
          throw new UploadError(`OTA upload of ${environment} firmware to ${device} failed: ${reason}`, run.output);
        }
        return { durationMs: run.durationMs, log: run.output };
      } finally {
        await rm(buildDir, { recursive: true, force: true });
      }
    },
  };
}

/** sha256 of a file, hex. */
async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
