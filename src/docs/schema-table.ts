import type { JsonSchema } from '../contract/json-schema.ts';

/** Escapes text for a Markdown table cell. */
export function cell(value: string): string {
  return value.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

function typeOf(schema: JsonSchema): string {
  if (Array.isArray(schema['enum'])) return (schema['enum'] as unknown[]).map((v) => JSON.stringify(v)).join(' | ');
  if (Array.isArray(schema['anyOf'])) return (schema['anyOf'] as JsonSchema[]).map(typeOf).join(' or ');
  const type = schema['type'];
  if (type === 'array') return `${typeOf((schema['items'] as JsonSchema | undefined) ?? {})}[]`;
  if (Array.isArray(type)) return type.join(' or ');
  return typeof type === 'string' ? type : 'any';
}

/**
 * A Markdown table of an object JSON Schema's fields: name, type, whether required, default and
 * the `.describe()` text.
 */
export function schemaTable(schema: JsonSchema): string {
  const properties = (schema['properties'] ?? {}) as Record<string, JsonSchema>;
  const required = new Set((schema['required'] as string[] | undefined) ?? []);
  const rows = Object.entries(properties).map(([name, field]) => {
    const fallback = 'default' in field ? `\`${JSON.stringify(field['default'])}\`` : '';
    const description = typeof field['description'] === 'string' ? field['description'] : '';
    return `| \`${name}\` | ${cell(typeOf(field))} | ${required.has(name) ? 'yes' : 'no'} | ${cell(fallback)} | ${cell(description)} |`;
  });
  if (rows.length === 0) return '_none_';
  return ['| field | type | required | default | description |', '|---|---|---|---|---|', ...rows].join('\n');
}
