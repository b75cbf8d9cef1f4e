import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { UNSUPPORTED_ENDPOINTS } from '../../src/server/unsupported-routes.ts';

it('README.md lists every conductor-oss endpoint the dev server answers with 501', () => {
  const readme = readFileSync('README.md', 'utf8').replace(/\s+/g, ' ');
  const section = readme.slice(readme.indexOf('## Dev server'), readme.indexOf('## Workers'));
  const missing = UNSUPPORTED_ENDPOINTS.filter(({ method, path }) => !section.includes(`\`${method} ${path}\``)).map(({ method, path }) => `${method} ${path}`);
  expect(missing).toEqual([]);
});
