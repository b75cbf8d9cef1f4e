/** The PlatformIO service against the fake `pio` executable: real processes, real files. */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { scanBuildLog } from '../../definitions/services/build-log.ts';
import { createPlatformIO, InvalidEnvironmentError, UploadError, type PlatformIO } from '../../definitions/services/platformio.ts';
import { CommandStartError } from '../../definitions/services/run-process.ts';
import { FAKE_PIO, git, pioCalls, removeDir, startFakeDevice, tempDir } from './support.ts';

const ENV = 'esp32-s3-devkitc-1';
let dir: string;
let log: string;

beforeEach(() => {
  dir = tempDir('pio');
  log = join(dir, 'pio-calls.jsonl');
});
afterEach(() => removeDir(dir));

const pio = (mode: string, extra: Partial<Parameters<typeof createPlatformIO>[0]> = {}): PlatformIO =>
  createPlatformIO({ projectDir: dir, pioPath: FAKE_PIO, env: { FAKE_PIO_MODE: mode, FAKE_PIO_LOG: log }, ...extra });

describe('build', () => {
  it('runs pio run -e <env> as an argument array and puts RAM in ram and Flash in flash', async () => {
    const result = await pio('success').build(ENV);
    expect(pioCalls(log)).toEqual([['run', '-e', ENV]]);
    expect(result.success).toBe(true);
    expect(result.firmwareBinPath).toBe(join(dir, '.pio', 'build', ENV, 'firmware.bin'));
    expect(existsSync(result.firmwareBinPath)).toBe(true);
    expect(result.errorMessage).toBe('');
    expect(result.facts.ram).toEqual({ usedBytes: 49812, totalBytes: 327680, percent: 15.2 });
    expect(result.facts.flash).toEqual({ usedBytes: 931261, totalBytes: 3342336, percent: 27.9 });
    expect(result.facts.warningCount).toBe(0);
    expect(result.log).toContain(`Processing ${ENV} (platform: espressif32`);
    expect(result.log).toContain('[SUCCESS] Took 42.17 seconds');
  });

  it('counts compiler warnings, a header warning seen from two files once', async () => {
    const result = await pio('warnings').build(ENV);
    expect(result.success).toBe(true);
    // Four `warning:` lines, one of them the same header warning reached from two source files.
    expect(result.log.match(/warning:/g)).toHaveLength(4);
    expect(result.facts.warningCount).toBe(3);
  });

  it('reports a compile error as success false with the first error line', async () => {
    const result = await pio('error').build(ENV);
    expect(result.success).toBe(false);
    expect(result.firmwareBinPath).toBe('');
    expect(result.errorMessage).toBe("src/patterns/spectrum_bars.cpp:42:5: error: 'bandEnergy' was not declared in this scope");
    expect(result.facts.ram).toBeUndefined();
    expect(result.facts.flash).toBeUndefined();
    expect(result.log).toContain('[FAILED] Took 12.04 seconds');
  });

  it('rejects an environment like "x; rm -rf /" before anything runs', async () => {
    for (const bad of ['x; rm -rf /', '../../etc', '-t upload', '', 'a b']) {
      await expect(pio('success').build(bad)).rejects.toBeInstanceOf(InvalidEnvironmentError);
      await expect(pio('success').clean(bad)).rejects.toBeInstanceOf(InvalidEnvironmentError);
      await expect(pio('success').upload(bad, join(dir, 'f.bin'), '127.0.0.1')).rejects.toBeInstanceOf(InvalidEnvironmentError);
    }
    await expect(pio('success').build('x; rm -rf /')).rejects.toThrow('Invalid PlatformIO environment "x; rm -rf /": use letters, digits, "_" and "-" only');
    expect(pioCalls(log)).toEqual([]);
  });

  it('kills a build that runs past its timeout and says so', async () => {
    const result = await pio('slow', { buildTimeoutMs: 300, env: { FAKE_PIO_MODE: 'slow', FAKE_PIO_SLEEP_MS: '20000', FAKE_PIO_LOG: log } }).build(ENV);
    expect(result.success).toBe(false);
    expect(result.errorMessage).toBe(`pio run -e ${ENV} timed out after 0 s`);
    expect(result.durationMs).toBeLessThan(5000);
  });

  it('keeps the tail of a long log within the cap', async () => {
    const result = await pio('warnings', { logCapBytes: 1024 }).build(ENV);
    expect(Buffer.byteLength(result.log)).toBeLessThanOrEqual(1024);
    expect(result.log).toMatch(/^\[\.\.\. \d+ earlier bytes of the log cut \.\.\.\]\n/);
    expect(result.log).toContain('1 succeeded');
    // Warnings are counted over the whole output, not only the kept tail.
    expect(result.facts.warningCount).toBe(3);
  });

  it('says clearly when pio is not installed', async () => {
    await expect(createPlatformIO({ projectDir: dir, pioPath: join(dir, 'no-such-pio') }).build(ENV)).rejects.toBeInstanceOf(CommandStartError);
  });
});

describe('clean', () => {
  it('removes .pio/build/<env> only', async () => {
    mkdirSync(join(dir, '.pio', 'build', ENV), { recursive: true });
    mkdirSync(join(dir, '.pio', 'build', 'other'), { recursive: true });
    writeFileSync(join(dir, '.pio', 'build', ENV, 'firmware.bin'), 'x');
    expect(await pio('success').clean(ENV)).toEqual({ removedPaths: [join(dir, '.pio', 'build', ENV)] });
    expect(existsSync(join(dir, '.pio', 'build', ENV))).toBe(false);
    expect(existsSync(join(dir, '.pio', 'build', 'other'))).toBe(true);
    expect(await pio('success').clean(ENV)).toEqual({ removedPaths: [] });
  });
});

describe('upload', () => {
  it('uploads exactly the given binary from a build directory of its own, runs nobuild + upload to the host, and the device runs it', async () => {
    const device = await startFakeDevice();
    try {
      const firmware = join(dir, 'chosen.bin');
      writeFileSync(firmware, 'K1BUILD:K1.node1 0a1b2c3d 2026-01-01T00:00:00Z\nthe rollback firmware');
      const sha256 = createHash('sha256').update(readFileSync(firmware)).digest('hex');
      const result = await pio('success', { scratchDir: join(dir, 'scratch') }).upload(ENV, firmware, device.address, { sha256 });
      expect(pioCalls(log)).toEqual([['run', '-e', `${ENV}-ota`, '-t', 'nobuild', '-t', 'upload', '--upload-port', '127.0.0.1']]);
      // Nothing written into the project; the staging directory is gone afterwards.
      expect(existsSync(join(dir, '.pio'))).toBe(false);
      expect(readdirSync(join(dir, 'scratch'))).toEqual([]);
      expect(result.log).toContain('Sending invitation to 127.0.0.1');
      expect(result.durationMs).toBeGreaterThanOrEqual(0);
      // The fake device took those bytes and reports the signature they carry.
      expect(device.state.firmware_sha256).toBe(sha256);
      expect(device.state.build_signature).toBe('K1.node1 0a1b2c3d 2026-01-01T00:00:00Z');
    } finally {
      await device.close();
    }
  });

  it('an address without a port reaches the device on deviceApiPort; a device that refuses the upload fails it', async () => {
    const device = await startFakeDevice({ otaFailures: 1 });
    try {
      const firmware = join(dir, 'fw.bin');
      writeFileSync(firmware, 'K1BUILD:K1.node1 0a1b2c3d x\n');
      const error = await pio('success', { deviceApiPort: device.port }).upload(ENV, firmware, '127.0.0.1').catch((e: unknown) => e);
      expect((error as Error).message).toBe(`OTA upload of ${ENV} firmware to 127.0.0.1 failed: 12:00:01 [ERROR]: No response from the ESP (it answered 503)`);
      await pio('success', { deviceApiPort: device.port }).upload(ENV, firmware, '127.0.0.1');
      expect(device.uploads.map((u) => u.build_signature)).toEqual(['K1.node1 0a1b2c3d x']);
    } finally {
      await device.close();
    }
  });

  it('a build embeds the signature of the commit it was built from', async () => {
    git(dir, 'init', '--quiet');
    git(dir, 'commit', '--quiet', '--allow-empty', '-m', 'x');
    const head = git(dir, 'rev-parse', 'HEAD');
    const result = await pio('success').build(ENV);
    expect(readFileSync(result.firmwareBinPath, 'utf8')).toMatch(new RegExp(`K1BUILD:K1\\.node1 ${head} \\d{4}-`));
  });

  it('fails with the uploader error line', async () => {
    const firmware = join(dir, 'fw.bin');
    writeFileSync(firmware, 'x');
    const error = await pio('upload-fail').upload(ENV, firmware, 'k1-node1.local').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UploadError);
    expect((error as Error).message).toBe(`OTA upload of ${ENV} firmware to k1-node1.local failed: 12:00:01 [ERROR]: No response from the ESP`);
  });

  it('refuses a device address that is not an IPv4 address or host name, before running anything', async () => {
    const firmware = join(dir, 'fw.bin');
    writeFileSync(firmware, 'x');
    await expect(pio('success').upload(ENV, firmware, '1.2.3.4; reboot')).rejects.toThrow('Invalid device address "1.2.3.4; reboot"');
    await expect(pio('success').upload(ENV, firmware, '--upload-port=evil')).rejects.toThrow('Invalid device address');
    expect(pioCalls(log)).toEqual([]);
  });
});

describe('scanBuildLog', () => {
  it('reads RAM and Flash from their own lines whatever their order, ignoring colour codes', () => {
    const facts = scanBuildLog(
      ['\x1b[32mFlash: [===       ]  27.9% (used 931261 bytes from 3342336 bytes)\x1b[0m', 'RAM:   [==        ]  15.2% (used 49812 bytes from 327680 bytes)'].join('\n'),
    );
    expect(facts.flash).toEqual({ usedBytes: 931261, totalBytes: 3342336, percent: 27.9 });
    expect(facts.ram).toEqual({ usedBytes: 49812, totalBytes: 327680, percent: 15.2 });
  });

  it('finds the first error line, a linker error included', () => {
    expect(scanBuildLog('Linking .pio/build/x/firmware.elf\ncollect2: error: ld returned 1 exit status\n').firstError).toBe('collect2: error: ld returned 1 exit status');
    expect(scanBuildLog('all good').firstError).toBe('');
  });
});
