/**
 * One task definition (or only a task name and the inputs the workflows pass it) → the source of
 * its `defineTask({...})` call: zod schemas from `inputSchema`/`outputSchema` when present, from
 * `inputKeys`/`outputKeys` otherwise, `z.unknown()` with a TODO where nothing is known.
 */
import { LEARNED_DEFAULTS } from '../conductor/learned-defaults.ts';
import { TASK_DEFAULTS, type TaskOptions } from '../contract/task-options.ts';
import { isJsonObject, type ContractInfo, type Json } from './model.ts';
import { UNKNOWN } from './scope.ts';
import { jsonLiteral, objectSchemaSource, propertyName, stringLiteral, type SchemaJson } from './zod-source.ts';

/** The source of one contract, its shapes, and what of the definition it cannot carry. */
export interface ContractSource extends Omit<ContractInfo, 'ident'> {
  /** The object literal given to `defineTask`. */
  readonly code: string;
  /** `JSON path: what`, for fields the contract cannot express. */
  readonly lost: readonly string[];
}

/** TaskDef fields a contract carries (`toTaskDef` writes them). */
const CONTRACT_FIELDS = new Set(['name', 'description', 'ownerEmail', 'inputKeys', 'outputKeys', 'inputSchema', 'outputSchema', 'enforceSchema', ...Object.keys(TASK_DEFAULTS)]);

function keysSchema(keys: readonly string[], what: string): { code: string; shape: SchemaJson } {
  if (keys.length === 0) {
    return {
      code: `z.object({}).passthrough() /* TODO: nothing is known of this task's ${what}; declare its fields */`,
      shape: { type: 'object', additionalProperties: true },
    };
  }
  const fields = keys.map((k) => `${propertyName(k)}: z.unknown(),`).join('\n');
  return {
    code: `z.object({\n// TODO: only the names of these fields are known; replace z.unknown() with their types.\n${fields}\n})`,
    shape: { type: 'object', properties: Object.fromEntries(keys.map((k) => [k, UNKNOWN])) },
  };
}

function schemaSide(def: Json | undefined, side: 'input' | 'output', usedKeys: readonly string[], lost: string[]): { code: string; shape: SchemaJson } {
  const name = String(def?.name);
  const schemaDef = def?.[`${side}Schema`];
  if (isJsonObject(schemaDef) && isJsonObject(schemaDef.data)) {
    const { name: schemaName, version, type, data, ...rest } = schemaDef;
    if (schemaName !== `${name}_${side}` || (version ?? 1) !== 1 || type !== 'JSON' || Object.keys(rest).length > 0) {
      lost.push(`${side}Schema: a contract names it ${name}_${side}, version 1, type JSON`);
    }
    const order = Array.isArray(def?.[`${side}Keys`]) ? (def[`${side}Keys`] as unknown[]).map(String) : [];
    const source = objectSchemaSource(data as SchemaJson, order);
    lost.push(...source.lost.map((l) => `${side}Schema.data${l}`));
    return { code: source.code, shape: data as SchemaJson };
  }
  const declared = Array.isArray(def?.[`${side}Keys`]) ? (def[`${side}Keys`] as unknown[]).map(String) : [];
  const extra = usedKeys.filter((k) => !declared.includes(k));
  if (def !== undefined && declared.length > 0 && extra.length > 0) lost.push(`${side}Keys: the workflows also pass ${extra.join(', ')}, added to the contract`);
  return keysSchema([...declared, ...extra], side);
}

/**
 * The `defineTask` spec for task `name`. `def` is its normalised task definition (server defaults
 * stripped) when one was given; `usedKeys` the input fields the workflows pass it. Options take
 * the definition's value, or for a field it leaves out the server's default (conductor-oss 3.32.3
 * stores a missing retryCount as 3 ...), written only where it differs from the toolkit's defaults;
 * the owner is written when the definition has one.
 */
export function contractSource(name: string, def: Json | undefined, usedKeys: readonly string[]): ContractSource {
  const lost: string[] = [];
  const input = schemaSide(def, 'input', usedKeys, lost);
  const output = schemaSide(def, 'output', [], lost);
  const parts = [`name: ${stringLiteral(name)}`];
  parts.push(`description: ${stringLiteral(typeof def?.description === 'string' ? def.description : '')}`);
  parts.push(`input: ${input.code}`, `output: ${output.code}`);
  if (def !== undefined) {
    for (const key of Object.keys(def)) if (!CONTRACT_FIELDS.has(key)) lost.push(`${key}: a task contract has no such option`);
    if (def.enforceSchema === true) lost.push('enforceSchema: a contract writes false');
    const serverDefaults = LEARNED_DEFAULTS.taskDef as Record<string, unknown>;
    for (const [key, projectDefault] of Object.entries(TASK_DEFAULTS) as [keyof TaskOptions, unknown][]) {
      const value = def[key] ?? serverDefaults[key];
      if (value === undefined) {
        // concurrentExecLimit (0) compares equal when left out (compare.ts).
        if (key !== 'concurrentExecLimit') lost.push(`${key}: left out (no server default); a contract writes ${jsonLiteral(projectDefault)}`);
        continue;
      }
      if (value !== projectDefault) parts.push(`${key}: ${jsonLiteral(value)}`);
    }
    // The toolkit has no default owner: one given is written, none is left out (compare.ts).
    if (def.ownerEmail !== undefined) parts.push(`ownerEmail: ${jsonLiteral(def.ownerEmail)}`);
  }
  return { code: `{\n${parts.map((p) => `${p},`).join('\n')}\n}`, input: input.shape, output: output.shape, lost };
}
