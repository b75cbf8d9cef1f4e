/**
 * `npm run conductor`: the pinned conductor-oss server (its boot jar, fetched with Maven once and
 * cached) in the foreground, on SQLite in a temporary folder, for people to try things against.
 *
 * `npm run conductor -- [--port N]`
 */
import { parseArgs } from 'node:util';
import { startConductor } from '../src/conductor/start-conductor.ts';
import { CONDUCTOR_VERSION } from '../src/conductor/version.ts';

const USAGE = `Usage: npm run conductor -- [--port N]
Starts conductor-oss ${CONDUCTOR_VERSION} (SQLite, as shipped) on 127.0.0.1 until Ctrl-C.
  --port  port to listen on (default: a free one)
Needs Java 21+ (JAVA_HOME, or a JDK beside the default java) and Maven for the first fetch.`;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { port: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, strict: true });
  if (values.help === true) {
    console.log(USAGE);
    return;
  }
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port ${values.port} is not a port number (0-65535).\n${USAGE}`);
  console.log(`Starting conductor-oss ${CONDUCTOR_VERSION} (about 20 s)...`);
  const conductor = await startConductor({ port });
  console.log(`Conductor ${conductor.version} is up after ${(conductor.startMs / 1000).toFixed(1)} s.`);
  console.log(`  API:  ${conductor.url}/api  (CONDUCTOR_SERVER_URL=${conductor.url})`);
  console.log(`  UI:   ${conductor.url}/`);
  console.log(`  log:  ${conductor.logFile}`);
  console.log('Ctrl-C stops it and removes its database.');
  const stop = (signal: NodeJS.Signals): void => {
    console.log(`\n${signal}: stopping Conductor.`);
    conductor.stop().then(() => process.exit(0), () => process.exit(1));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
