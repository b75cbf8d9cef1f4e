// Module resolution hooks (node:module register) that add the "k1-source" condition, so that
// `@k1/workflows` resolves to the TypeScript sources (package.json `exports`) in what the
// `k1-workflows` command loads: the definitions it generates import the very modules the command
// runs on, as `node --conditions=k1-source` would do.
export async function resolve(specifier, context, nextResolve) {
  const conditions = context.conditions.includes('k1-source') ? context.conditions : [...context.conditions, 'k1-source'];
  return nextResolve(specifier, { ...context, conditions });
}
