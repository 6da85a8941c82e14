import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header each webhook POST carries: `t=<unix seconds>,v1=<hex HMAC-SHA256>`. */
export const SIGNATURE_HEADER = 'Enlarger-Signature';

/** How far a signature's timestamp may be from the receiver's clock; older ones are replays. */
export const DEFAULT_SIGNATURE_TOLERANCE_S = 300;

/**
 * Signs a webhook body the way Stripe and Svix do: the HMAC covers the
 * timestamp and the exact bytes sent, so neither can be changed and an old
 * POST cannot be replayed past the receiver's tolerance.
 */
export function signWebhook(key: string, body: string, at: Date = new Date()): string {
  const t = Math.floor(at.getTime() / 1000);
  return `t=${t},v1=${digest(key, t, body)}`;
}

/**
 * True when `header` signs `body` with one of `keys` at a time within
 * `toleranceS` of `now`. What a receiver does, and what README "Events"
 * shows; several keys let a receiver accept the old and the new during a rotation.
 */
export function verifyWebhook(
  keys: readonly string[],
  body: string,
  header: string | undefined,
  options: { now?: Date; toleranceS?: number } = {},
): boolean {
  const parts = (header ?? '').split(',').map((p) => p.trim().split('='));
  const t = Number(parts.find(([k]) => k === 't')?.[1]);
  const signatures = parts.filter(([k, v]) => k === 'v1' && v).map(([, v]) => Buffer.from(v!, 'hex'));
  if (!Number.isInteger(t) || signatures.length === 0) return false;
  const now = (options.now ?? new Date()).getTime() / 1000;
  if (Math.abs(now - t) > (options.toleranceS ?? DEFAULT_SIGNATURE_TOLERANCE_S)) return false;
  return keys.some((key) => {
    const expected = Buffer.from(digest(key, t, body), 'hex');
    return signatures.some((s) => s.length === expected.length && timingSafeEqual(s, expected));
  });
}

function digest(key: string, t: number, body: string): string {
  return createHmac('sha256', key).update(`${t}.${body}`).digest('hex');
}
