/**
 * Device answers and sample downloads are bounded (issue 15): no redirect is followed, and a
 * server that streams without end is cut off at the limit, measured on a real 127.0.0.1 server.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchBounded, BoundedFetchError } from '../../definitions/services/bounded-fetch.ts';
import { createDeviceApi, DeviceApiError } from '../../definitions/services/device-api.ts';
import { createAudioFiles, AudioInputError } from '../../definitions/services/audio-files.ts';
import { isDeviceAddress } from '../../definitions/services/device-address.ts';
import { removeDir, tempDir } from './support.ts';

const CHUNK = Buffer.alloc(64 * 1024, 0x7b);
/** Bytes the endless route wrote before the client hung up, per request. */
const written: number[] = [];
/** Requests the "elsewhere" target got (a redirect followed would land there). */
let elsewhereHits = 0;
let server: Server;
let port: number;
/** While true, every request but /elsewhere is answered 302 to /elsewhere. */
let redirecting = false;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url?.startsWith('/elsewhere')) {
      elsewhereHits++;
      return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"build_signature":"x","free_heap":1,"uptime_seconds":1}');
    }
    if (redirecting) {
      return void res.writeHead(302, { location: `http://127.0.0.1:${port}/elsewhere` }).end();
    }
    // Endless: 64 KiB chunks for as long as the client reads (up to 300 MB), no content-length.
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    let sent = 0;
    const index = written.push(0) - 1;
    const pump = (): void => {
      while (sent < 300 * 1024 * 1024 && !res.destroyed) {
        sent += CHUNK.length;
        written[index] = sent;
        if (!res.write(CHUNK)) return void res.once('drain', pump);
      }
      res.end();
    };
    res.on('close', () => (written[index] = sent));
    pump();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => {
  server.close(() => r());
  server.closeAllConnections();
}));

const LIMIT = 1024 * 1024;
/** The error `p` rejects with; fails the test when it resolves. */
const rejection = <E>(p: Promise<unknown>): Promise<E> =>
  p.then(
    () => {
      throw new Error('expected a refusal');
    },
    (e: unknown) => e as E,
  );

describe('fetchBounded', () => {
  it('stops reading an endless answer at the limit: at most one chunk past it is read', async () => {
    const before = written.length;
    const error = await rejection<BoundedFetchError>(fetchBounded(fetch, `http://127.0.0.1:${port}/endless`, {}, LIMIT));
    expect(error).toBeInstanceOf(BoundedFetchError);
    expect(error.refusal).toBe('too_large');
    expect(error.bytesRead).toBeGreaterThan(LIMIT);
    expect(error.bytesRead).toBeLessThanOrEqual(LIMIT + 128 * 1024);
    await new Promise((r) => setTimeout(r, 100));
    // What the server managed to write before the connection closed: the limit plus socket buffers, never the 300 MB.
    console.log(`fetchBounded: read ${error.bytesRead} bytes, server wrote ${written[before]} bytes of an endless answer (limit ${LIMIT})`);
    expect(written[before]).toBeLessThan(LIMIT + 16 * 1024 * 1024);
  });
});

describe('the device API', () => {
  it('refuses a redirect, naming where it pointed, and never asks the other host', async () => {
    redirecting = true;
    try {
      const error = await rejection<DeviceApiError>(createDeviceApi({ port, timeoutMs: 2000 }).info('127.0.0.1'));
      expect(error).toBeInstanceOf(DeviceApiError);
      expect(error.code).toBe('redirected');
      expect(error.message).toBe(`Device 127.0.0.1:${port} GET /api/device/info: answered HTTP 302 redirecting to "http://127.0.0.1:${port}/elsewhere"; redirects are not followed: use the final address`);
      expect(elsewhereHits).toBe(0);
    } finally {
      redirecting = false;
    }
  });

  it('stops reading a device answer past 256 KiB', async () => {
    const before = written.length;
    const error = await rejection<DeviceApiError>(createDeviceApi({ port, timeoutMs: 5000 }).info('127.0.0.1'));
    expect(error.code).toBe('too_large');
    expect(error.message).toMatch(/^Device 127\.0\.0\.1:\d+ GET \/api\/device\/info: answer is more than the 262144 bytes allowed; stopped reading after \d+$/);
    await new Promise((r) => setTimeout(r, 100));
    expect(written[before]).toBeLessThan(256 * 1024 + 16 * 1024 * 1024);
  });

  it('refuses every spelling of an address that the URL parser would rewrite (0x7f000001 is 127.0.0.1)', () => {
    for (const bad of ['0x7f000001', '2130706433', '0177.0.0.1', '01.1.1.1', '127.1', '0x7f.1', 'k1.0x10', 'k1.123', '1.2.3.4.5']) expect(isDeviceAddress(bad), bad).toBe(false);
    for (const good of ['127.0.0.1', 'k1-node1.local', 'k1', '3com.local', 'K1-Node1.Local:8080']) expect(isDeviceAddress(good), good).toBe(true);
  });
});

describe('fetch_audio_sample downloads', () => {
  const work = tempDir('bounded');
  afterAll(() => removeDir(work));
  const audio = createAudioFiles({ workDir: work, sampleDirs: [work], artifacts: { get: async () => undefined }, maxSampleBytes: LIMIT });

  it('stop at the sample limit without reading the rest', async () => {
    const before = written.length;
    const error = await rejection<AudioInputError>(audio.fetchSample(`http://127.0.0.1:${port}/endless.wav`));
    expect(error).toBeInstanceOf(AudioInputError);
    expect(error.message).toMatch(/^Downloading http:\/\/127\.0\.0\.1:\d+\/endless\.wav: answer is more than the 1048576 bytes allowed; stopped reading after \d+$/);
    await new Promise((r) => setTimeout(r, 100));
    expect(written[before]).toBeLessThan(LIMIT + 16 * 1024 * 1024);
  });

  it('refuse a redirect', async () => {
    redirecting = true;
    try {
      const error = await rejection<AudioInputError>(audio.fetchSample(`http://127.0.0.1:${port}/api/device/info`));
      expect(error.message).toMatch(/answered HTTP 302 redirecting to .*\/elsewhere"; redirects are not followed/);
      expect(elsewhereHits).toBe(0);
    } finally {
      redirecting = false;
    }
  });
});
