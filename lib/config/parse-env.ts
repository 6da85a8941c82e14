import { z } from 'zod';

/** Thrown when the environment does not satisfy a service's config schema. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Parses `env` against a zod object schema whose keys are env var names, and
 * turns every issue into one line that names the variable, the expected format
 * and what was given: `RESIZER_MAX_WIDTH must be a positive integer, got "abc"`.
 */
export function parseEnv<S extends z.ZodObject>(
  schema: S,
  env: Record<string, string | undefined>,
): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const shape = schema.shape as Record<string, z.ZodType | undefined>;
  const problems = result.error.issues.map((issue) => {
    const name = issue.path.join('.');
    const variable = String(issue.path[0]);
    const raw = env[variable];
    const field = shape[variable];
    const got =
      raw === undefined
        ? 'nothing'
        : field && secretSchemas.has(field)
          ? 'a value not shown'
          : JSON.stringify(raw);
    return `${name} ${issue.message}, got ${got}`;
  });
  throw new ConfigError(problems);
}

// Reusable env-var field types. Their messages read after the variable name.
export const envInt = (opts: { min?: number; max?: number } = {}) =>
  z
    .string()
    .trim()
    .regex(/^-?\d+$/, { message: 'must be an integer' })
    .transform(Number)
    .pipe(
      z
        .number()
        .min(opts.min ?? Number.MIN_SAFE_INTEGER, { message: `must be an integer >= ${opts.min}` })
        .max(opts.max ?? Number.MAX_SAFE_INTEGER, { message: `must be an integer <= ${opts.max}` }),
    );

export const envPositiveInt = () =>
  z
    .string()
    .trim()
    .regex(/^[1-9]\d*$/, { message: 'must be a positive integer' })
    .transform(Number);

export const envNumber = (opts: { min?: number; max?: number } = {}) =>
  z
    .string()
    .trim()
    .regex(/^-?\d+(\.\d+)?$/, { message: 'must be a number' })
    .transform(Number)
    .pipe(
      z
        .number()
        .min(opts.min ?? -Infinity, { message: `must be a number >= ${opts.min}` })
        .max(opts.max ?? Infinity, { message: `must be a number <= ${opts.max}` }),
    );

/** A boolean as {@link envBool} reads it back, for code that renders an environment. */
export const boolEnv = (value: boolean): 'true' | 'false' => (value ? 'true' : 'false');

export const envBool = () =>
  z
    .enum(['true', 'false', '1', '0'], { message: 'must be true or false' })
    .transform((v) => v === 'true' || v === '1');

export const envList = () =>
  z.string().transform((v) =>
    v
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s.length > 0),
  );

/** Schemas of secrets: a message about one never repeats its value, which would end up in logs. */
const secretSchemas = new WeakSet<z.ZodType>();

/**
 * Marks `schema`, as it stands in the env schema's shape (after `.optional()`
 * or `.default()`), as a secret: {@link parseEnv} reports its problems without the value.
 */
export function envSecret<T extends z.ZodType>(schema: T): T {
  secretSchemas.add(schema);
  return schema;
}

/** Comma-separated secret keys (the first signs, all verify), each at least `minLength` characters; none by default. */
export const envKeys = (minLength: number) =>
  envSecret(
    envList()
      .pipe(
        z.array(
          z.string().min(minLength, {
            message: `must be comma-separated keys of at least ${minLength} characters each`,
          }),
        ),
      )
      .default([]),
  );

export const envUrl = () => z.string().trim().url({ message: 'must be a URL' });

/** Byte sizes: plain integers or with a unit, `64MB`, `1GiB`. */
export const envBytes = () =>
  z
    .string()
    .trim()
    .regex(/^\d+(\.\d+)?\s*(b|kb|kib|mb|mib|gb|gib)?$/i, {
      message: 'must be a byte size like 1048576, 64MB or 1GiB',
    })
    .transform(parseBytes);

const UNITS: Record<string, number> = {
  b: 1,
  kb: 1e3,
  kib: 1024,
  mb: 1e6,
  mib: 1024 ** 2,
  gb: 1e9,
  gib: 1024 ** 3,
};

export function parseBytes(value: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(value.trim());
  if (!m) throw new Error(`not a byte size: ${value}`);
  return Math.round(Number(m[1]) * (UNITS[(m[2] || 'b').toLowerCase()] ?? NaN));
}
