#!/usr/bin/env node
// The `k1-workflows` command: loads TypeScript definitions through tsx, then runs the CLI.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
