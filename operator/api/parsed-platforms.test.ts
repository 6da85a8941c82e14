import { describe, expect, it } from 'vitest';
import { ParsedPlatforms } from './parsed-platforms.js';

const stored = (uid: string, resourceVersion: string, spec: Record<string, unknown> = {}) => ({
  metadata: { name: `p-${uid}`, namespace: 'media-team', uid, resourceVersion },
  spec: { storage: { bucket: 'photos' }, queue: { urlSecretRef: { name: 'amqp' } }, ...spec },
});

describe('ParsedPlatforms', () => {
  it('parses an object once per resourceVersion', () => {
    const parsed = new ParsedPlatforms();
    const [first] = parsed.of([stored('a', '1')]);
    expect(first?.spec.storage.bucket).toBe('photos');
    // Same version: the very same typed object, no new parse.
    expect(parsed.of([stored('a', '1')])[0]).toBe(first);
    // A new version is parsed again.
    const [changed] = parsed.of([stored('a', '2', { storage: { bucket: 'other' } })]);
    expect(changed).not.toBe(first);
    expect(changed?.spec.storage.bucket).toBe('other');
  });

  it('leaves out objects the schema refuses, and remembers the refusal per version', () => {
    const parsed = new ParsedPlatforms();
    const invalid = stored('b', '7', { storage: { bucket: 42 } });
    expect(parsed.of([stored('a', '1'), invalid]).map((p) => p.metadata.uid)).toEqual(['a']);
    expect(parsed.size).toBe(2);
    expect(parsed.of([stored('b', '8')]).map((p) => p.metadata.uid)).toEqual(['b']);
  });

  it('forgets platforms that left the cache', () => {
    const parsed = new ParsedPlatforms();
    parsed.of([stored('a', '1'), stored('b', '1')]);
    parsed.of([stored('b', '1')]);
    expect(parsed.size).toBe(1);
    parsed.of([]);
    expect(parsed.size).toBe(0);
  });
});
