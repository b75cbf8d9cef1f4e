import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A stand-in JDK folder: a `release` file declaring `version` and a `bin/java` that is a Node
 * program. `behaviour` is its body (it sees `args`, the argv after `java`).
 */
export function fakeJdk(root: string, name: string, version: string, behaviour = 'process.exit(0);'): string {
  const home = join(root, name);
  mkdirSync(join(home, 'bin'), { recursive: true });
  writeFileSync(join(home, 'release'), `IMPLEMENTOR="test"\nJAVA_VERSION="${version}"\n`);
  const java = join(home, 'bin', 'java');
  writeFileSync(java, `#!${process.execPath}\nconst args = process.argv.slice(2);\n${behaviour}\n`);
  chmodSync(java, 0o755);
  return home;
}

/** A `java` that serves Conductor's `/health` on the `--server.port` it is given, as the real jar does. */
export const SERVES_HEALTH = `
const port = Number(args.find((a) => a.startsWith('--server.port=')).split('=')[1]);
console.log('fake conductor starting with ' + args.join(' '));
require('node:http').createServer((req, res) => {
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ healthResults: [], suppressedHealthResults: [], healthy: req.url === '/health' }));
}).listen(port, '127.0.0.1');
process.on('SIGTERM', () => { console.log('stopping'); process.exit(0); });
`;
