import { z } from 'zod';

/** Field schemas that several K1 task contracts share, so each is written once. */

/** A git commit SHA, abbreviated (7) or full (40). */
export const commitSha = z
  .string()
  .regex(/^[0-9a-f]{7,40}$/i, 'a commit SHA is 7 to 40 hex digits')
  .describe('Git commit SHA (7-40 hex digits)');

/** A PlatformIO environment name; the character set keeps it safe as a command argument. */
export const pioEnvironment = z
  .string()
  .regex(/^[A-Za-z0-9_-]+$/, 'a PlatformIO environment is letters, digits, "_" and "-"')
  .describe('PlatformIO environment, e.g. esp32-s3-devkitc-1');

/**
 * The address of a K1 device: an IPv4 address or a host name (not all digits and dots: that is a
 * malformed IPv4 address), optionally with its HTTP API port; `isDeviceAddress` of
 * definitions/services/device-address.ts accepts exactly these.
 */
export const deviceAddress = z
  .string()
  .regex(
    /^(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}|(?![\d.]+(?::|$))[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*)(?::(?:6553[0-5]|655[0-2]\d|65[0-4]\d{2}|6[0-4]\d{3}|[1-5]\d{4}|[1-9]\d{0,3}))?$/,
    'a device address is an IPv4 address or a host name, optionally with :port',
  )
  .describe('Device IP address or host name, optionally with the port of its HTTP API (default 80), e.g. 192.168.1.104 or 127.0.0.1:8080');

/** Build size and quality figures parsed from a PlatformIO build log. */
export const buildMetrics = z
  .object({
    flash_bytes: z.number().int().nonnegative().describe('Flash used by the firmware, in bytes'),
    flash_total_bytes: z.number().int().nonnegative().describe('Flash available, in bytes'),
    flash_percent: z.number().nonnegative().describe('Flash used, in percent'),
    ram_bytes: z.number().int().nonnegative().describe('RAM used by static data, in bytes'),
    ram_total_bytes: z.number().int().nonnegative().describe('RAM available, in bytes'),
    ram_percent: z.number().nonnegative().describe('RAM used, in percent'),
    warning_count: z.number().int().nonnegative().describe('Compiler warnings in the build log'),
  })
  .describe('Build size and warning figures');

/** Notification severities. */
export const severity = z.enum(['info', 'warning', 'error']).describe('How urgent the notification is');
