import type { ServerDefaults } from './learn-defaults.ts';

/** The TypeScript source of `learned-defaults.ts` for what {@link learnServerDefaults} learned. */
export function learnedDefaultsSource(learned: ServerDefaults): string {
  return `// Written by \`npm run learn-defaults\` from what ${learned.server} answered; do not edit by hand.
// The conformance suite checks it against the real server.
import type { ServerDefaults } from './learn-defaults.ts';

/** What ${learned.server} adds to stored definitions: a field at this value equals its absence. */
export const LEARNED_DEFAULTS: ServerDefaults = ${JSON.stringify(learned, null, 2)};
`;
}
