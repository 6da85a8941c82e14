import { badRequest } from '../../../lib/errors.js';

/** Longest credit accepted, in characters (code points) after normalisation. */
export const MAX_PHOTOGRAPHER = 200;

/**
 * Control characters (NUL, escape, newline...), lone surrogates and the bidi
 * overrides and isolates: none belongs in a name, and the bidi ones would let a
 * credit display as someone else's name on every watermark.
 */
const FORBIDDEN = /[\p{Cc}\p{Cs}\u202a-\u202e\u2066-\u2069]/u;

/**
 * The photographer credit as it will be stored and drawn: Unicode NFC (so "é"
 * is one form whichever keyboard typed it), runs of spaces collapsed, at most
 * {@link MAX_PHOTOGRAPHER} characters. Empty means none; anything with a
 * forbidden character is refused with 400 rather than silently altered.
 */
export function normalisePhotographer(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (FORBIDDEN.test(value)) {
    throw badRequest('bad_photographer', 'photographer must not contain control or bidi-override characters');
  }
  const name = value.normalize('NFC').replace(/\s+/gu, ' ').trim();
  if (!name) return undefined;
  if ([...name].length > MAX_PHOTOGRAPHER) {
    throw badRequest('bad_photographer', `photographer must be at most ${MAX_PHOTOGRAPHER} characters`);
  }
  return name;
}

/**
 * Header values reach Node as one latin1 character per byte. Clients that
 * send UTF-8 (curl, browsers, our CLI) are decoded as such; bytes that are not
 * valid UTF-8 are taken as the latin1 they were in HTTP/1.1's old default.
 */
export function decodeHeader(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const bytes = Buffer.from(value, 'latin1');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return value;
  }
}
