/** The device API client against a fake K1 device on 127.0.0.1. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { deviceAddress } from '../../definitions/tasks/fields.ts';
import { isDeviceAddress, parseDeviceAddress } from '../../definitions/services/device-address.ts';
import { createDeviceApi, DeviceApiError } from '../../definitions/services/device-api.ts';
import { closedPort, startFakeDevice, type FakeDevice } from './support.ts';

let device: FakeDevice;
beforeAll(async () => {
  device = await startFakeDevice();
});
afterAll(() => device.close());
beforeEach(() => {
  device.state.mode = 'online';
});

const api = (timeoutMs = 1000, port = device.port) => createDeviceApi({ port, timeoutMs });
const failure = (p: Promise<unknown>): Promise<DeviceApiError> =>
  p.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: unknown) => e as DeviceApiError,
  );

describe('online', () => {
  it('reads /api/device/info and /api/device/performance', async () => {
    const info = await api().info('127.0.0.1');
    expect(info).toMatchObject({ build_signature: device.state.build_signature, free_heap: 120_000, uptime_seconds: 42, platform: 'ESP32-S3' });
    const perf = await api().performance('127.0.0.1');
    expect(Object.keys(perf).sort()).toEqual(['audio_latency_ms', 'avg_render_time_ms', 'fps', 'free_heap', 'max_render_time_ms']);
  });

  it('activates a pattern with POST {pattern} and reads the confirmation', async () => {
    const result = await api().activatePattern('127.0.0.1', 'spectrum_bars');
    expect(result.confirmed).toBe(true);
    expect(device.requests.at(-1)).toBe('POST /api/pattern/activate {"pattern":"spectrum_bars"}');
  });
});

describe('failures name the device, the endpoint and the problem', () => {
  it('offline: nothing listens on the port', async () => {
    const port = await closedPort();
    const error = await failure(api(1000, port).info('127.0.0.1'));
    expect(error).toBeInstanceOf(DeviceApiError);
    expect(error.code).toBe('unreachable');
    expect(error.message).toBe(`Device 127.0.0.1:${port} GET /api/device/info: cannot connect (ECONNREFUSED); is the device powered and on the network?`);
  });

  it('slow: no answer within the timeout', async () => {
    device.state.mode = 'slow';
    device.state.slowMs = 1500;
    const started = Date.now();
    const error = await failure(api(200).info('127.0.0.1'));
    expect(Date.now() - started).toBeLessThan(1200);
    expect(error.code).toBe('timeout');
    expect(error.message).toBe(`Device 127.0.0.1:${device.port} GET /api/device/info: no answer within 200 ms (device busy, rebooting or off the network)`);
  });

  it('malformed JSON', async () => {
    device.state.mode = 'malformed';
    const error = await failure(api().info('127.0.0.1'));
    expect(error.code).toBe('malformed_json');
    expect(error.message).toMatch(new RegExp(`^Device 127\\.0\\.0\\.1:${device.port} GET /api/device/info: answer is not JSON \\(`));
  });

  it('wrong shape: names the field', async () => {
    device.state.mode = 'wrong-shape';
    const error = await failure(api().info('127.0.0.1'));
    expect(error.code).toBe('bad_shape');
    expect(error.message).toBe(`Device 127.0.0.1:${device.port} GET /api/device/info: unexpected answer: field free_heap: Expected number, received string`);
  });

  it('an HTTP error status', async () => {
    device.state.mode = 'error-500';
    const error = await failure(api().performance('127.0.0.1'));
    expect(error.code).toBe('http_status');
    expect(error.status).toBe(500);
  });

  it('a device on another port is addressed as host:port, which wins over the configured port', async () => {
    const elsewhere = await closedPort();
    const info = await api(1000, elsewhere).info(`127.0.0.1:${device.port}`);
    expect(info.build_signature).toBe(device.state.build_signature);
    const error = await failure(api(1000, device.port).info(`127.0.0.1:${elsewhere}`));
    expect(error.message).toBe(`Device 127.0.0.1:${elsewhere} GET /api/device/info: cannot connect (ECONNREFUSED); is the device powered and on the network?`);
  });

  it('an address that is neither IPv4 nor a host name, with or without a port, is refused before any request', async () => {
    const before = device.requests.length;
    for (const bad of ['127.0.0.1/evil', 'user@host', '127.0.0.1:0', '127.0.0.1:65536', 'k1.local:', ':80', '127.0.0.1:80:80', 'a b', '999.1.1.1', '']) {
      const error = await failure(api().info(bad));
      expect(error.code).toBe('invalid_address');
    }
    expect(device.requests.length).toBe(before);
  });
});

describe('device addresses', () => {
  const samples = ['192.168.1.104', 'k1-node1.local', '127.0.0.1:45123', 'k1-node1.local:8080', 'host:65535', 'host:1', 'host:0', 'host:65536', 'host:080', '127.0.0.1:', '1.2.3.4; reboot', '--upload-port=evil', '999.1.1.1', 'a:b:c', ''];

  it('the task contracts accept exactly the addresses the device API and the uploader accept', () => {
    const byContract = samples.filter((a) => deviceAddress.safeParse(a).success);
    expect(byContract).toEqual(samples.filter(isDeviceAddress));
    expect(byContract).toEqual(['192.168.1.104', 'k1-node1.local', '127.0.0.1:45123', 'k1-node1.local:8080', 'host:65535', 'host:1']);
  });

  it('host:port is taken apart; the port is left undefined when none is named', () => {
    expect(parseDeviceAddress('127.0.0.1:45123')).toEqual({ host: '127.0.0.1', port: 45123 });
    expect(parseDeviceAddress('k1-node1.local')).toEqual({ host: 'k1-node1.local', port: undefined });
    expect(parseDeviceAddress('host:0')).toBeUndefined();
  });
});
