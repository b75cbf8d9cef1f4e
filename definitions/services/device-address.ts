import { isIPv4 } from 'node:net';

/**
 * K1 device addresses: an IPv4 address or a DNS host name, optionally with the port of the
 * device's HTTP API (`192.168.1.104`, `k1-node1.local:8080`, `127.0.0.1:45123`), the same rule as
 * the task contracts' `deviceAddress` field. Nothing else reaches a URL or a pio argument.
 *
 * IPv4 is node:net's `isIPv4`: canonical dotted decimal only (no `0177.0.0.1`, no `01.1.1.1`).
 * A host name is RFC 1123 labels whose last label starts with a letter (RFC 3696 §2: a top-level
 * label is never numeric). That last rule is what refuses `0x7f000001`, `2130706433` and every
 * other spelling the WHATWG URL parser (and so fetch) would read as an IPv4 address; as a second
 * guard, a host the URL parser rewrites at all is refused.
 */
const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const LAST_LABEL = /^[A-Za-z](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const PORT = /^[1-9]\d{0,4}$/;

/** A device address taken apart. */
export interface DeviceAddress {
  /** The IPv4 address or host name: what an OTA upload goes to. */
  readonly host: string;
  /** The HTTP API port the address names; undefined when it names none. */
  readonly port: number | undefined;
}

function isHostName(value: string): boolean {
  const labels = value.split('.');
  return labels.every((label) => LABEL.test(label)) && LAST_LABEL.test(labels.at(-1)!);
}

function isHost(value: string): boolean {
  if (value.length === 0 || value.length > 253) return false;
  if (!isIPv4(value) && !isHostName(value)) return false;
  try {
    return new URL(`http://${value}/`).hostname === value.toLowerCase();
  } catch {
    return false;
  }
}

/** The host and port of a device address, or undefined when `value` is not one. */
export function parseDeviceAddress(value: string): DeviceAddress | undefined {
  if (typeof value !== 'string') return undefined;
  const colon = value.indexOf(':');
  const host = colon === -1 ? value : value.slice(0, colon);
  const portText = colon === -1 ? undefined : value.slice(colon + 1);
  if (!isHost(host)) return undefined;
  if (portText === undefined) return { host, port: undefined };
  const port = PORT.test(portText) ? Number(portText) : NaN;
  return port >= 1 && port <= 65_535 ? { host, port } : undefined;
}

/** True for an IPv4 address or a host name, optionally followed by `:<port>` (1-65535). */
export function isDeviceAddress(value: string): boolean {
  return parseDeviceAddress(value) !== undefined;
}

/** A device address that is neither an IPv4 address nor a host name (with an optional port). */
export class InvalidDeviceAddressError extends Error {
  readonly code = 'invalid_device_address';
  constructor(readonly address: string) {
    super(`Invalid device address ${JSON.stringify(address)}: use a dotted-decimal IPv4 address or a host name whose last label starts with a letter, optionally with the port of its HTTP API, e.g. 192.168.1.104, k1-node1.local or 127.0.0.1:8080`);
    this.name = 'InvalidDeviceAddressError';
  }
}

/** The host and port of `value`; throws {@link InvalidDeviceAddressError} unless it is a device address. */
export function assertDeviceAddress(value: string): DeviceAddress {
  const parsed = parseDeviceAddress(value);
  if (parsed === undefined) throw new InvalidDeviceAddressError(String(value));
  return parsed;
}
