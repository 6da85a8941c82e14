import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import pkg from '../../package.json' with { type: 'json' };
import { packageVersion } from './version.js';

describe('packageVersion', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'enlarger-version-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('is package.json version from the source tree', () => {
    expect(packageVersion()).toBe(pkg.version);
  });

  it("walks up past other packages' package.json to enlarger's, as from dist/lib/build in the image", () => {
    writeFileSync(path.join(root, 'package.json'), JSON.stringify({ name: 'enlarger', version: '9.8.7' }));
    const deep = path.join(root, 'dist', 'lib', 'build');
    mkdirSync(deep, { recursive: true });
    writeFileSync(path.join(root, 'dist', 'package.json'), JSON.stringify({ type: 'module' }));
    expect(packageVersion(deep)).toBe('9.8.7');
  });

  it('says where it looked when there is none', () => {
    expect(() => packageVersion(tmpdir())).toThrow(`no enlarger package.json above ${tmpdir()}`);
  });
});
