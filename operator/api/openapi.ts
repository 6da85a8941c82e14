import { z } from 'zod';

/**
 * Converts a zod schema to a Kubernetes structural OpenAPI v3 schema.
 *
 * zod's own JSON Schema output is close; the differences are Kubernetes
 * rules: every node has a type, no `anyOf` except for int-or-string, and no
 * meaningless bounds (zod writes ±2^53 on every integer).
 */
export function toStructuralSchema(schema: z.ZodType): JsonSchema {
  const json = z.toJSONSchema(schema, {
    target: 'openapi-3.0',
    io: 'input',
    unrepresentable: 'throw',
    override: ({ zodSchema, jsonSchema }) => {
      // `.prefault({})` would render as `default: {}`; the apiserver validates
      // that literal (CEL rules then miss fields), and `kubectl explain` would
      // hide the real defaults. Render the object zod fills in instead.
      if (zodSchema instanceof z.ZodPrefault) jsonSchema.default = zodSchema.parse(undefined);
    },
  });
  return clean(json) as JsonSchema;
}

/**
 * An OpenAPI schema node with its wire names (`x-kubernetes-validations`).
 * Not client-node's V1JSONSchemaProps, whose camelCase names only its own
 * serializer understands.
 */
export type JsonSchema = Record<string, unknown>;
type Json = JsonSchema;

function clean(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(clean);
  if (node === null || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node as Json)) {
    if (key === '$schema') continue;
    if (
      (key === 'maximum' && value === Number.MAX_SAFE_INTEGER) ||
      (key === 'minimum' && value === Number.MIN_SAFE_INTEGER)
    ) {
      continue;
    }
    // Defaults and CEL rules are data, not schema: copy them untouched.
    out[key] = key === 'default' || key === 'x-kubernetes-validations' ? value : clean(value);
  }
  if (out['x-kubernetes-int-or-string'] === true) {
    // The apiserver accepts int-or-string either bare or as this exact anyOf; bare is simpler.
    delete out.anyOf;
  }
  if (out['x-kubernetes-preserve-unknown-fields'] === true) {
    // A kept-as-written object: zod's `additionalProperties: {}` has no type, which a structural schema refuses.
    delete out.additionalProperties;
  }
  return orderKeys(out);
}

// A stable, readable key order in the YAML: what the field is before its details.
const FIRST = ['description', 'type', 'format', 'default', 'enum'];
const LAST = ['properties', 'additionalProperties', 'items', 'required', 'x-kubernetes-validations'];

function orderKeys(node: Json): Json {
  const rank = (k: string) =>
    FIRST.includes(k) ? FIRST.indexOf(k) - 100 : LAST.includes(k) ? LAST.indexOf(k) + 100 : 0;
  return Object.fromEntries(Object.entries(node).sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b)));
}
