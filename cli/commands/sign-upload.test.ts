import { describe, expect, it } from 'vitest';
import { durationSeconds } from './sign-upload.js';

describe('sign-upload --expires-in', () => {
  it.each([
    ['90', 90],
    ['90s', 90],
    ['15m', 900],
    ['2h', 7200],
    ['1d', 86400],
  ])('reads %s as %d seconds', (text, seconds) => {
    expect(durationSeconds(text)).toBe(seconds);
  });

  it.each(['0', '0m', '-5m', '15 minutes', '1w', ''])('refuses %j', (text) => {
    expect(() => durationSeconds(text)).toThrow('--expires-in must be a positive duration');
  });
});
