import { describe, expect, it } from 'vitest';
import type { PhotoManifest } from '../photos/manifest.js';
import { MemoryEventBus } from './memory-events.js';
import {
  PHOTO_EVENT_SCHEMA,
  photoDeletedEvent,
  photoEvent,
  photoOutcomeEvent,
  type PhotoEvent,
} from './photo-event.js';

const base: PhotoManifest = {
  id: 'abc123',
  status: 'ready',
  photographer: 'Ann Example',
  createdAt: '2026-12-07T10:00:00.000Z',
  updatedAt: '2026-12-07T10:00:05.000Z',
  original: { format: 'jpeg', width: 4000, height: 3000, bytes: 5_000_000, hasAlpha: false },
  master: { key: 'photos/abc123/master.jpeg', format: 'jpeg', width: 2048, height: 1536, bytes: 400_000 },
  conversions: [
    {
      name: 'thumb',
      key: 'photos/abc123/sizes/thumb.webp',
      format: 'webp',
      width: 200,
      height: 150,
      bytes: 9_000,
      gainMap: true,
    },
  ],
};

describe('photo events', () => {
  it('builds photo.ready as CloudEvents structured JSON from the manifest alone', () => {
    expect(photoOutcomeEvent({ ...base, owner: 'user-7' }, { traceparent: '00-aa-bb-01' })).toEqual({
      specversion: '1.0',
      type: 'photo.ready',
      source: 'urn:enlarger',
      id: 'photo.ready/abc123',
      time: '2026-12-07T10:00:05.000Z',
      subject: 'abc123',
      datacontenttype: 'application/json',
      dataschema: PHOTO_EVENT_SCHEMA,
      traceparent: '00-aa-bb-01',
      data: {
        photo: {
          id: 'abc123',
          owner: 'user-7',
          photographer: 'Ann Example',
          status: 'ready',
          master: {
            key: 'photos/abc123/master.jpeg',
            format: 'jpeg',
            width: 2048,
            height: 1536,
            bytes: 400_000,
          },
          sizes: [
            {
              name: 'thumb',
              key: 'photos/abc123/sizes/thumb.webp',
              format: 'webp',
              width: 200,
              height: 150,
              bytes: 9_000,
            },
          ],
        },
      },
    });
  });

  it('builds the same event, id and time included, each time it is asked: a republish dedupes', () => {
    expect(photoOutcomeEvent(base)).toEqual(photoOutcomeEvent(structuredClone(base)));
  });

  it('builds photo.failed with the reason and no renditions', () => {
    const failed = { ...base, status: 'failed' as const, master: undefined, conversions: [], error: 'bad' };
    expect(photoOutcomeEvent(failed).data.photo).toEqual({
      id: 'abc123',
      photographer: 'Ann Example',
      status: 'failed',
      error: 'bad',
    });
    expect(photoOutcomeEvent(failed).type).toBe('photo.failed');
  });

  it('refuses to announce a photo still processing', () => {
    expect(() => photoOutcomeEvent({ ...base, status: 'processing' })).toThrow(/still processing/);
  });

  it('builds photo.deleted for the takedown endpoint', () => {
    const at = new Date('2026-12-08T00:00:00Z');
    expect(photoDeletedEvent({ id: 'abc123', owner: 'user-7' }, { time: at })).toMatchObject({
      type: 'photo.deleted',
      id: 'photo.deleted/abc123',
      time: '2026-12-08T00:00:00.000Z',
      data: { photo: { id: 'abc123', owner: 'user-7', status: 'deleted' } },
    });
  });

  it('reads back what it writes, and rejects what is not version 1 of the shape', () => {
    const event = photoOutcomeEvent(base);
    expect(photoEvent.parse(JSON.parse(JSON.stringify(event)))).toEqual(event);
    expect(photoEvent.safeParse({ ...event, specversion: '0.3' }).success).toBe(false);
    expect(photoEvent.safeParse({ ...event, dataschema: 'urn:enlarger:photo-event:v2' }).success).toBe(false);
    expect(photoEvent.safeParse({ ...event, type: 'photo.renamed' }).success).toBe(false);
  });

  it('hands every in-process listener its own copy, and fails the publish when one fails', async () => {
    const bus = new MemoryEventBus();
    const got: PhotoEvent[][] = [[], []];
    const stops = got.map((list) => bus.subscribe((e) => Promise.resolve(void list.push(e))));
    const event = photoOutcomeEvent(base);
    await bus.publish(event);
    expect(got).toEqual([[event], [event]]);
    expect(got[0]![0]).not.toBe(got[1]![0]);
    stops.forEach((stop) => stop());
    bus.subscribe(() => Promise.reject(new Error('relay queue closed')));
    await expect(bus.publish(event)).rejects.toThrow('relay queue closed');
  });
});
