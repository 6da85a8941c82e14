import { describe, expect, it } from 'vitest';
import { assertValidKey, assertValidPrefix, InvalidKeyError } from './keys.js';

describe('assertValidKey', () => {
  it('accepts ordinary nested keys', () => {
    for (const key of ['a', 'photos/2024/01/p-1_original.jpg', 'ünïcode/ключ', 'a..b/c.d']) {
      expect(() => assertValidKey(key), key).not.toThrow();
    }
  });

  it('names the key and the rule it breaks', () => {
    const cases: Array<[string, string]> = [
      ['', 'must not be empty'],
      ['/abs', 'must be relative (no leading /)'],
      ['a/../b', 'segments must not start with "." (no . or ..)'],
      ['a//b', 'must not contain empty segments (//) or end with /'],
      ['a\0b', 'must not contain NUL'],
      ['a\\b', 'must not contain a backslash'],
      ['x'.repeat(1025), 'must be at most 1024 bytes'],
    ];
    for (const [key, reason] of cases) {
      expect(() => assertValidKey(key), JSON.stringify(key)).toThrow(
        new InvalidKeyError(key, reason).message,
      );
    }
  });
});

describe('assertValidPrefix', () => {
  it('allows the empty prefix, a trailing slash and a partial last segment', () => {
    for (const prefix of ['', 'photos/', 'photos/ab', 'a'])
      expect(() => assertValidPrefix(prefix)).not.toThrow();
  });

  it('applies the key rules to the rest', () => {
    for (const prefix of ['/', '../', 'a//', '/etc/']) {
      expect(() => assertValidPrefix(prefix), prefix).toThrow(InvalidKeyError);
    }
  });
});
