import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

/**
 * `@k1/workflows` resolves to the sources inside this repository: package.json `exports` carry a
 * "k1-source" condition, which tests honour here (tsc through `customConditions` in tsconfig.json,
 * Node and tsx through `--conditions=k1-source`).
 */
export const SOURCE_CONDITIONS = ['k1-source', ...defaultServerConditions];

export default defineConfig({
  resolve: { conditions: SOURCE_CONDITIONS },
  ssr: { resolve: { conditions: SOURCE_CONDITIONS } },
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts', 'examples/**/*.test.ts'],
    // The conformance suite needs the real server: `npm run conformance`.
    exclude: ['test/conformance/**', '**/node_modules/**'],
    typecheck: { enabled: true, include: ['test/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
    testTimeout: 30_000,
  },
});
