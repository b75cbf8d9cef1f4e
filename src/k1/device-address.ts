/**
 * K1 device addresses: an IPv4 address or a DNS host name (the same rule as the task contracts'
 * `deviceAddress` field). Nothing else reaches a URL or a pio argument.
 */
const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)$/;
const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/** True for an IPv4 address or a host name. */
export function isDeviceAddress(value: string): boolean {
  if (typeof value !== 'string' || value.length === 0 || value.length > 253) return false;
  if (IPV4.test(value)) return true;
  // All-numeric dotted names are malformed IPv4 addresses (e.g. 256.1.1.1), not host names.
  if (/^[\d.]+$/.test(value)) return false;
  return value.split('.').every((label) => LABEL.test(label));
}

/** A device address that is neither an IPv4 address nor a host name. */
export class InvalidDeviceAddressError extends Error {
  readonly code = 'invalid_device_address';
  constructor(readonly address: string) {
    super(`Invalid device address ${JSON.stringify(address)}: use an IPv4 address or a host name, e.g. 192.168.1.104 or k1-node1.local`);
    this.name = 'InvalidDeviceAddressError';
  }
}

/** Throws {@link InvalidDeviceAddressError} unless `value` is a device address. */
export function assertDeviceAddress(value: string): void {
  if (!isDeviceAddress(value)) throw new InvalidDeviceAddressError(String(value));
}
