import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

describe('examples/github-actions.yml', () => {
  const job = (parse(readFileSync('examples/github-actions.yml', 'utf8')) as { jobs: Record<string, { steps: { run?: string; if?: string }[]; env: Record<string, string> }> }).jobs['definitions'];

  it('installs, checks generated/, diffs, and registers on main only', () => {
    const runs = job?.steps.filter((s) => s.run !== undefined).map((s) => s.run);
    expect(runs).toEqual(['npm ci', 'npm run gen -- --check', 'npx k1-workflows diff', 'npx k1-workflows register']);
    expect(job?.steps.find((s) => s.run === 'npx k1-workflows register')?.if).toBe("github.ref == 'refs/heads/main' && github.event_name == 'push'");
  });

  // gen type-checks definitions/ unless told not to: the job must not tell it.
  it('type-checks the definitions through gen --check', () => {
    const gen = job?.steps.find((s) => s.run?.startsWith('npm run gen'))?.run ?? '';
    expect(gen).toBe('npm run gen -- --check');
    expect(gen).not.toContain('--no-typecheck');
    expect(readFileSync('examples/github-actions.yml', 'utf8')).toContain('# Type-checks definitions/');
  });

  it('takes the server and credentials from secrets, never inline', () => {
    expect(job?.env).toEqual({
      CONDUCTOR_SERVER_URL: '${{ secrets.CONDUCTOR_SERVER_URL }}',
      CONDUCTOR_AUTH_KEY: '${{ secrets.CONDUCTOR_AUTH_KEY }}',
      CONDUCTOR_AUTH_SECRET: '${{ secrets.CONDUCTOR_AUTH_SECRET }}',
    });
  });
});
