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
    expect(parse('w=300&h=200&fit=contain&g=northeast&dpr=2&fmt=webp&q=70&wm=0&s=abc_-')).toEqual({
      id: ID,
      width: 600,
      height: 400,
      fit: 'contain',
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
