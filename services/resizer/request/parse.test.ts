import { describe, expect, it } from 'vitest';
import { HttpError } from '../../../lib/errors.js';
import { parseRequest } from './parse.js';

const ID = 'AAAAAAAAAAAAAAAAAAAAAA';
const limits = { maxDimension: 4000, watermarkOptOut: true };
const parse = (query: string, id = ID, l = limits) => parseRequest(id, new URLSearchParams(query), l);

function rejection(query: string, l = limits): HttpError {
  try {
    parse(query, ID, l);
  } catch (err) {
    if (err instanceof HttpError) return err;
    throw err;
  }
  throw new Error(`expected ${query} to be refused`);
}

describe('parseRequest', () => {
  it('applies defaults', () => {
    expect(parse('')).toEqual({ id: ID, fit: 'cover', gravity: 'center', format: 'auto', watermark: true });
  });

  it('reads every parameter and multiplies sizes by dpr', () => {
    expect(parse('w=300&h=200&g=northeast&dpr=2&fmt=webp&q=70&wm=0&s=abc_-')).toEqual({
      id: ID,
      width: 600,
      height: 400,
      fit: 'cover',
      gravity: 'northeast',
      format: 'webp',
      quality: 70,
      watermark: false,
      signature: 'abc_-',
    });
  });

  it('turns fx/fy into a focal gravity', () => {
    expect(parse('w=10&h=10&fx=0.25&fy=1')).toMatchObject({ gravity: 'focal', focal: { x: 0.25, y: 1 } });
  });

  it.each([
    ['w=0', 'w'],
    ['w=abc', 'w'],
    ['w=4001', 'w'],
    ['w=1.5', 'w'],
    ['h=-3', 'h'],
    ['w=3000&dpr=2', 'w'],
    ['fit=stretch', 'fit'],
    ['g=up', 'g'],
    ['fx=0.5', 'fy'],
    ['fy=0.5', 'fx'],
    ['fx=1.2&fy=0', 'fx'],
    ['fx=0.5&fy=0.5&g=north', 'g'],
    ['dpr=0.5', 'dpr'],
    ['dpr=5', 'dpr'],
    ['fmt=gif', 'fmt'],
    ['q=0', 'q'],
    ['q=101', 'q'],
    ['wm=2', 'wm'],
    ['s=not%20base64', 's'],
    ['w=1&w=2', 'w'],
  ])('refuses %s naming %s', (query, name) => {
    const err = rejection(query);
    expect(err.status).toBe(400);
    expect(err.message.startsWith(`${name}:`)).toBe(true);
  });

  it.each([
    ['fmt=auto', 'fmt: fmt=auto is the default: leave it out'],
    ['w=100&dpr=1', 'dpr: dpr=1 is the default: leave it out'],
    ['w=100&dpr=1.0', 'dpr: dpr=1.0 is the default: leave it out'],
    ['w=10&h=10&fit=cover', 'fit: fit=cover is the default: leave it out'],
    ['w=10&h=10&g=center', 'g: g=center is the default: leave it out'],
    ['wm=1', 'wm: wm=1 is the default: leave it out'],
    ['w=0400', 'w: write w=400, not w=0400'],
    ['w=100&dpr=2.0', 'dpr: write dpr=2, not dpr=2.0'],
    ['w=10&h=10&fx=0.50&fy=1', 'fx: write fx=0.5, not fx=0.50'],
    ['w=100&fit=contain', 'fit: has no effect without both w and h: leave it out'],
    ['w=100&g=north', 'g: only a cover crop (w and h) has one: leave it out'],
    ['w=10&h=10&fit=inside&fx=0.1&fy=0.2', 'fx: only a cover crop (w and h) has one: leave it out'],
    ['dpr=2', 'dpr: has no effect without w or h: leave it out'],
    ['fmt=png&q=50', 'q: PNG has no quality: leave it out'],
  ])('refuses %s as another spelling of a shorter URL', (query, message) => {
    const err = rejection(query);
    expect([err.status, err.code, err.message]).toEqual([400, 'url_not_canonical', message]);
  });

  it('accepts each canonical spelling', () => {
    for (const query of [
      '',
      'w=400',
      'w=400&dpr=1.5',
      'w=10&h=10&fit=contain',
      'w=10&h=10&g=north',
      'fmt=webp&q=70',
      'wm=0',
    ]) {
      expect(() => parse(query)).not.toThrow();
    }
  });

  it('refuses unknown parameters by name', () => {
    expect(rejection('width=3').message).toContain('"width"');
  });

  it('refuses wm=0 where opting out is not allowed', () => {
    const err = rejection('wm=0', { ...limits, watermarkOptOut: false });
    expect([err.status, err.message.startsWith('wm:')]).toEqual([400, true]);
  });

  it.each(['../../etc/passwd', 'short', 'AAAAAAAAAAAAAAAAAAAAA/', ''])('answers 404 for id %j', (id) => {
    expect(() => parse('', id)).toThrow(expect.objectContaining({ status: 404 }) as Error);
  });
});
