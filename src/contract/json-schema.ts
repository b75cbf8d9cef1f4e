import type { z } from 'zod';
import { zodToJsonSchema } from 'zod-to-json-schema';

/** A JSON Schema document (draft-07), as zod-to-json-schema emits it. */
export type JsonSchema = Record<string, unknown>;

/**
 * Converts a zod schema to a self-contained draft-07 JSON Schema, keeping `.describe()` texts.
 * Inline definitions (no `$ref`) so each schema can be read, and registered, on its own.
 */
export function toJsonSchema(schema: z.ZodTypeAny): JsonSchema {
  const { $schema: _drop, ...rest } = zodToJsonSchema(schema, { target: 'jsonSchema7', $refStrategy: 'none' }) as JsonSchema;
  return { $schema: 'http://json-schema.org/draft-07/schema#', ...rest };
}

/** The default values a zod object schema declares, key by key (for a workflow's inputTemplate). */
export function objectDefaults(schema: z.AnyZodObject): Record<string, unknown> {
  const defaults: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(schema.shape as Record<string, z.ZodTypeAny>)) {
    const def = (field as { _def?: { typeName?: string; defaultValue?: () => unknown } })._def;
    if (def?.typeName === 'ZodDefault' && def.defaultValue) defaults[key] = def.defaultValue();
  }
  return defaults;
}
