import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signWebhook, verifyWebhook } from './signature.js';

const key = 'whsec-0123456789abcdef';
const body = '{"type":"photo.ready"}';
const at = new Date('2026-12-07T12:00:00Z');

describe('webhook signatures', () => {
  it('signs `<t>.<body>` with HMAC-SHA256, as a receiver recomputes it by hand', () => {
    const t = at.getTime() / 1000;
    const hex = createHmac('sha256', key).update(`${t}.${body}`).digest('hex');
    expect(signWebhook(key, body, at)).toBe(`t=${t},v1=${hex}`);
  });

  it('verifies its own signature within the tolerance, with the old or the new key', () => {
    const header = signWebhook(key, body, at);
    expect(verifyWebhook([key], body, header, { now: at })).toBe(true);
    expect(
      verifyWebhook(['whsec-new-key-000000', key], body, header, { now: new Date(at.getTime() + 299_000) }),
    ).toBe(true);
  });

  it('rejects a changed body, another key, a replay past the tolerance and a garbled header', () => {
    const header = signWebhook(key, body, at);
    expect(verifyWebhook([key], body.replace('ready', 'failed'), header, { now: at })).toBe(false);
    expect(verifyWebhook(['whsec-other-key-00000'], body, header, { now: at })).toBe(false);
    expect(verifyWebhook([key], body, header, { now: new Date(at.getTime() + 301_000) })).toBe(false);
    expect(
      verifyWebhook([key], body, header.replace(/t=\d+/, `t=${at.getTime() / 1000 + 1}`), { now: at }),
    ).toBe(false);
    for (const garbled of [undefined, '', 'v1=abc', 't=x,v1=00', `t=${at.getTime() / 1000}`]) {
      expect(verifyWebhook([key], body, garbled, { now: at })).toBe(false);
    }
  });
});
