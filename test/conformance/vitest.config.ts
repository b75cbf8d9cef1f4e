import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * The conformance suite (`npm run conformance`): the library against the real conductor-oss
 * server, which global-setup.ts starts once (or `K1_CONDUCTOR_URL` names). Parts run one after
 * another on that one server.
 */
export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    include: ['test/conformance/**/*.test.ts'],
    globalSetup: ['test/conformance/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 20 * 60_000,
    hookTimeout: 5 * 60_000,
    reporters: ['default'],
  },
});
