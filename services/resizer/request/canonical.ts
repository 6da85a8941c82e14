import { badRequest } from '../../../lib/errors.js';

/** What of the parsed request decides whether a parameter has an effect (parse.ts's ResizeRequest fits). */
interface Parsed {
  width?: number;
  height?: number;
  fit: string;
  format: string;
}

/** Parameters whose default may be left out, as the default is spelled. */
const DEFAULTS: Record<string, string> = { fmt: 'auto', dpr: '1', fit: 'cover', g: 'center', wm: '1' };

/** Parameters written as numbers: `w=0400` or `dpr=2.0` are the same output as `w=400` and `dpr=2`. */
const NUMBERS = ['w', 'h', 'q', 'dpr', 'fx', 'fy'];

/**
 * One URL per output. A CDN stores each URL it sees as its own
 * object, so a URL that renders what a shorter spelling renders is refused
 * with 400, naming what to leave out or how to write it: a parameter at its
 * default (`fmt=auto`, `dpr=1`, `fit=cover`, `g=center`, `wm=1`), a number
 * not in its shortest form, and a parameter with no effect (`fit` without
 * both `w` and `h`, gravity without a cover crop, `dpr` without a size,
 * `q` for PNG). Refused rather than redirected: a redirect costs every
 * page view a round trip, and a signed URL cannot be rewritten without
 * re-signing it.
 */
export function assertCanonical(params: ReadonlyMap<string, string>, request: Parsed): void {
  for (const [name, value] of params) {
    const fault = spellingFault(name, value) ?? effectFault(name, request);
    if (fault) throw badRequest('url_not_canonical', `${name}: ${fault}`);
  }
}

function spellingFault(name: string, value: string): string | undefined {
  const shortest = NUMBERS.includes(name) ? String(Number(value)) : value;
  if (DEFAULTS[name] === shortest) return `${name}=${value} is the default: leave it out`;
  if (shortest !== value) return `write ${name}=${shortest}, not ${name}=${value}`;
  return undefined;
}

function effectFault(name: string, request: Parsed): string | undefined {
  const both = request.width !== undefined && request.height !== undefined;
  switch (name) {
    case 'fit':
      return both ? undefined : 'has no effect without both w and h: leave it out';
    case 'g':
    case 'fx':
    case 'fy':
      return both && request.fit === 'cover'
        ? undefined
        : 'only a cover crop (w and h) has one: leave it out';
    case 'dpr':
      return request.width !== undefined || request.height !== undefined
        ? undefined
        : 'has no effect without w or h: leave it out';
    case 'q':
      return request.format === 'png' ? 'PNG has no quality: leave it out' : undefined;
    default:
      return undefined;
  }
}
