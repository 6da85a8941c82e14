import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  envBool,
  envBytes,
  envKeys,
  envList,
  envPositiveInt,
  parseBytes,
  parseEnv,
} from './parse-env.js';

const schema = z.object({
  RESIZER_MAX_WIDTH: envPositiveInt().default(4096),
  CACHE_SIZE: envBytes().default(64 * 1024 * 1024),
  ENABLE_AVIF: envBool().default(true),
  SIGNING_KEYS: envList().default([]),
});

describe('parseEnv', () => {
  it('applies defaults when variables are unset', () => {
    expect(parseEnv(schema, {})).toEqual({
      RESIZER_MAX_WIDTH: 4096,
      CACHE_SIZE: 64 * 1024 * 1024,
      ENABLE_AVIF: true,
      SIGNING_KEYS: [],
    });
  });

  it('converts strings to typed values', () => {
    expect(
      parseEnv(schema, {
        RESIZER_MAX_WIDTH: '800',
        CACHE_SIZE: '2MiB',
        ENABLE_AVIF: '0',
        SIGNING_KEYS: 'a, b,,c',
      }),
    ).toEqual({
      RESIZER_MAX_WIDTH: 800,
      CACHE_SIZE: 2 * 1024 * 1024,
      ENABLE_AVIF: false,
      SIGNING_KEYS: ['a', 'b', 'c'],
    });
  });

  it('names the variable, the expected format and the value given', () => {
    const err = (() => {
      try {
        parseEnv(schema, { RESIZER_MAX_WIDTH: 'abc', ENABLE_AVIF: 'yes' });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems).toEqual([
      'RESIZER_MAX_WIDTH must be a positive integer, got "abc"',
      'ENABLE_AVIF must be true or false, got "yes"',
    ]);
  });

  it('never repeats the value of a secret in its message', () => {
    const keys = z.object({ KEYS: envKeys(8) });
    expect(parseEnv(keys, { KEYS: ' 12345678 , abcdefghij,' }).KEYS).toEqual(['12345678', 'abcdefghij']);
    expect(parseEnv(keys, {}).KEYS).toEqual([]);
    expect(() => parseEnv(keys, { KEYS: '12345678,short' })).toThrow(
      new ConfigError([
        'KEYS.1 must be comma-separated keys of at least 8 characters each, got a value not shown',
      ]),
    );
  });
});

describe('parseBytes', () => {
  it.each([
    ['1048576', 1048576],
    ['64MB', 64_000_000],
    ['1GiB', 1024 ** 3],
    ['1.5 kib', 1536],
  ])('%s is %d bytes', (text, bytes) => {
    expect(parseBytes(text)).toBe(bytes);
  });
});
