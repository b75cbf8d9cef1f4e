/**
 * `npm run dev`: a local Conductor-compatible server (the in-process runner on real time) with
 * every definition in `generated/` registered, for workers and the SDK to talk to.
 *
 * `npm run dev -- --port 9090 --generated path/to/generated --host 0.0.0.0`
 */
import { startDevServer } from '../src/server/index.ts';

const USAGE = 'Usage: npm run dev -- [--port N] [--host ADDRESS] [--generated DIR]\n  --port       port to listen on (default 8080; 0 picks a free one)\n  --host       address to listen on (default 127.0.0.1)\n  --generated  directory "npm run gen" wrote (default generated)';

function parseArgs(argv: readonly string[]): { port: number; host: string; generated: string } {
  const options = { port: 8080, host: '127.0.0.1', generated: 'generated' };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const [flag, inline] = arg.includes('=') ? (arg.split(/=(.*)/s, 2) as [string, string]) : [arg, undefined];
    if (flag === '--help' || flag === '-h') {
      console.log(USAGE);
      process.exit(0);
    }
    const value = inline ?? argv[++i];
    if (value === undefined || value.startsWith('--')) throw new Error(`${flag} needs a value.\n${USAGE}`);
    if (flag === '--port') {
      const port = Number(value);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port ${value} is not a port number (0-65535).`);
      options.port = port;
    } else if (flag === '--host') {
      options.host = value;
    } else if (flag === '--generated') {
      options.generated = value;
    } else {
      throw new Error(`Unknown option ${flag}.\n${USAGE}`);
    }
  }
  return options;
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const server = await startDevServer({ port: options.port, host: options.host, generatedDir: options.generated });
  const { workflows, tasks, eventHandlers } = server.registered;
  console.log(`Conductor dev server listening on ${server.url}`);
  console.log(`Registered from ${options.generated}/:`);
  console.log(`  ${tasks.length} task definition${tasks.length === 1 ? '' : 's'}: ${tasks.join(', ')}`);
  console.log(`  ${workflows.length} workflow${workflows.length === 1 ? '' : 's'}: ${workflows.map((w) => `${w.name} v${w.version}`).join(', ')}`);
  if (eventHandlers.length > 0) console.log(`  ${eventHandlers.length} event handler${eventHandlers.length === 1 ? '' : 's'}: ${eventHandlers.join(', ')}`);
  console.log(`Point the SDK at it: orkesConductorClient({ serverUrl: '${server.url}' }). Ctrl-C stops it.`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping the dev server.`);
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('The dev server did not close cleanly:', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
