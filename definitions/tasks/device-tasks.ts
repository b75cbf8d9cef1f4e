import { z } from 'zod';
import { defineTask } from '../project.ts';
import { deviceAddress, pioEnvironment } from './fields.ts';

/** Flashes firmware to a device over the air (PlatformIO espota upload). */
export const deployFirmwareOta = defineTask({
  name: 'deploy_firmware_ota',
  description:
    'Flashes a stored firmware artifact to a device over the air (pio run -t nobuild -t upload on the <environment>-ota environment): exactly the bytes the artifact store holds under artifact_id, their sha256 checked against it before the upload (a mismatch fails the task for good and flashes nothing). Idempotent: a device already running the build signature is not flashed again.',
  input: z.object({
    device_ip: deviceAddress,
    environment: pioEnvironment,
    artifact_id: z
      .string()
      .regex(/^[0-9a-f]{64}$/, 'an artifact id is the 64 hex digits of the sha256 of the stored file')
      .describe('The firmware to flash: its artifact id (content address, sha256) in the artifact store'),
    build_signature: z.string().min(1).describe('Build signature the device reports once running this firmware (the commit SHA)'),
  }),
  output: z.object({
    status: z.enum(['deployed', 'already_deployed']).describe('What the deploy did'),
    device_ip: deviceAddress,
    duration_ms: z.number().int().nonnegative().describe('Upload time in milliseconds'),
  }),
  retryCount: 3,
  retryLogic: 'FIXED',
  retryDelaySeconds: 60,
  timeoutSeconds: 180,
  responseTimeoutSeconds: 180,
});

/** Asks a device for its state after a deploy. */
export const deviceHealthCheck = defineTask({
  name: 'device_health_check',
  description: 'Reads /api/device/info and /api/device/performance and checks the build signature and the free heap.',
  input: z.object({
    device_ip: deviceAddress,
    expected_build_signature: z.string().min(1).describe('Text the running build signature must contain (the commit SHA)'),
    min_free_heap_bytes: z.number().int().nonnegative().describe('Free heap below this is unhealthy'),
  }),
  output: z.object({
    healthy: z.boolean().describe('True when the signature matches and the heap is above the minimum'),
    build_signature: z.string().describe('Build signature the device reports'),
    free_heap_bytes: z.number().int().nonnegative().describe('Free heap the device reports'),
    uptime_seconds: z.number().nonnegative().describe('Device uptime'),
    fps: z.number().nonnegative().describe('Current LED frame rate'),
    summary: z.string().describe('One line health summary'),
  }),
  retryCount: 3,
  retryLogic: 'FIXED',
  retryDelaySeconds: 10,
  timeoutSeconds: 60,
  responseTimeoutSeconds: 60,
});
