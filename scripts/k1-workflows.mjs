#!/usr/bin/env node
// The `k1-workflows` command: loads TypeScript definitions through tsx, then runs the CLI.
// `@k1/workflows` resolves to the sources the command itself runs on (k1-source-hooks.mjs).
import { register as registerHooks } from 'node:module';
import { register } from 'tsx/esm/api';

registerHooks('./k1-source-hooks.mjs', import.meta.url);
register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
