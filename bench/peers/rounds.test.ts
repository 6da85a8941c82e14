import { describe, expect, it } from 'vitest';
import { median, medianOfRounds, type PeerRow } from './rounds.js';

const row = (over: Partial<PeerRow>): PeerRow => ({
  server: 'enlarger',
  photo: 'a.jpg',
  source: 'picked',
  rps: 10,
  flat: { p50: 10, p95: 20 },
  ...over,
});

describe('median', () => {
  it('takes the middle value, or the mean of the middle two, ignoring undefined', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([undefined, 7])).toBe(7);
    expect(median([undefined])).toBeUndefined();
  });
});

describe('medianOfRounds', () => {
  it('folds the rounds of one server, photo, build and files into one row of medians and sums', () => {
    // One round of the enlarger row: throughput, flat p50 / p95, CPU, answers checked (bad), statuses.
    const round = (
      rps: number,
      p50: number,
      p95: number,
      cpu: number,
      checked: number,
      bad: number,
      ok: number,
    ) => row({ rps, flat: { p50, p95 }, cpuMsPerRequest: cpu, checked, bad, statuses: { 200: ok } });
    const rows = [
      round(50, 5, 90, 30, 10, 0, 100),
      row({ server: 'imgproxy', rps: 60 }),
      { ...round(70, 7, 70, 20, 12, 1, 120), statuses: { 200: 120, 503: 2 } },
      round(40, 9, 80, 25, 8, 0, 80),
    ];
    const [enlarger, imgproxy, ...rest] = medianOfRounds(rows);
    expect(rest).toEqual([]);
    expect(enlarger).toMatchObject({
      server: 'enlarger',
      rounds: 3,
      rps: 50,
      flat: { p50: 7, p95: 80 },
      cpuMsPerRequest: 25,
      checked: 30,
      bad: 1,
      statuses: { 200: 300, 503: 2 },
    });
    expect(imgproxy).toMatchObject({ server: 'imgproxy', rounds: 1, rps: 60 });
  });

  it('keeps two builds of one server apart', () => {
    const rows = [row({ build: 'this tree', rps: 10 }), row({ build: 'abc, before', rps: 20 })];
    expect(medianOfRounds(rows).map((r) => [r.build, r.rps])).toEqual([
      ['this tree', 10],
      ['abc, before', 20],
    ]);
  });

  it('takes each negotiated format of the browser mix over the rounds that saw it', () => {
    const rows = [
      row({ server: 'browsers', formats: { 'half|avif': { n: 10, p50: 100, p95: 300 } } }),
      row({
        server: 'browsers',
        formats: { 'half|avif': { n: 12, p50: 200, p95: 500 }, 'half|webp': { n: 4, p50: 50, p95: 60 } },
      }),
    ];
    expect(medianOfRounds(rows)[0]!.formats).toEqual({
      'half|avif': { n: 22, p50: 150, p95: 400 },
      'half|webp': { n: 4, p50: 50, p95: 60 },
    });
  });
});
