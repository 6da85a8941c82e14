/**
 * Object key rules shared by every Storage backend, so a key that works on
 * the local filesystem in development also works on S3 in production and the
 * other way round.
 */

/** S3's limit, in UTF-8 bytes. */
const MAX_KEY_BYTES = 1024;

/** Thrown for a key that no backend should accept. Callers treat it as a programming error, not a 404. */
export class InvalidKeyError extends Error {
  constructor(
    readonly key: string,
    reason: string,
  ) {
    super(`invalid storage key ${JSON.stringify(key)}: ${reason}`);
    this.name = 'InvalidKeyError';
  }
}

/**
 * Rejects keys that could escape a filesystem root or that the backends would
 * treat differently: empty, absolute, NUL or backslash, empty `//` segments,
 * and segments starting with `.` (which covers `.` and `..`; the filesystem
 * backend also keeps its temp and metadata files under dot names).
 */
export function assertValidKey(key: string): void {
  const reason = keyProblem(key);
  if (reason) throw new InvalidKeyError(key, reason);
}

/** Like {@link assertValidKey} for a `list()` prefix: empty and trailing `/` are allowed. */
export function assertValidPrefix(prefix: string): void {
  if (prefix === '') return;
  const reason = keyProblem(prefix.endsWith('/') ? prefix.slice(0, -1) : prefix);
  if (reason) throw new InvalidKeyError(prefix, reason);
}

function keyProblem(key: string): string | undefined {
  if (key.length === 0) return 'must not be empty';
  if (Buffer.byteLength(key) > MAX_KEY_BYTES) return `must be at most ${MAX_KEY_BYTES} bytes`;
  if (key.includes('\0')) return 'must not contain NUL';
  if (key.includes('\\')) return 'must not contain a backslash';
  if (key.startsWith('/')) return 'must be relative (no leading /)';
  const segments = key.split('/');
  if (segments.some((s) => s.length === 0)) return 'must not contain empty segments (//) or end with /';
  if (segments.some((s) => s.startsWith('.'))) return 'segments must not start with "." (no . or ..)';
  return undefined;
}
