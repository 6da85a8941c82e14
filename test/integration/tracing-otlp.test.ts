import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Constellation, type PhotoStatus } from '../support/constellation.js';
import { testEnv } from '../support/env.js';
import { EventTap } from '../support/events.js';
import { startServiceProcess, type ServiceProcess } from '../support/media-process.js';
import { noise } from '../support/noise.js';
import { OtelCollector, type CollectedSpan } from '../support/otel-collector.js';
import { buildCli } from '../support/processes.js';

const SERVER = 2;
const PRODUCER = 4;
const CONSUMER = 5;

/** A caller's W3C context, as the site would send it: a fresh trace id and parent span. */
function callerContext() {
  const traceId = randomBytes(16).toString('hex');
  const spanId = randomBytes(8).toString('hex');
  return { traceId, spanId, traceparent: `00-${traceId}-${spanId}-01` };
}

describe('one trace per photo, through a real OpenTelemetry Collector', () => {
  const c = new Constellation();
  let collector: OtelCollector;
  let tap: EventTap;
  const services: ServiceProcess[] = [];
  let media: ServiceProcess;
  let photoId: string;

  beforeAll(async () => {
    await buildCli();
    collector = await OtelCollector.start();
    await c.createBucket();
    tap = await EventTap.open(testEnv().AMQP_URL, c.eventsExchange);
    const env = { ...c.env, OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint, LOG_LEVEL: 'warn' };
    media = await startServiceProcess('media', 'MEDIA_PORT', env);
    services.push(media, await startServiceProcess('converter', 'CONVERTER_PORT', env));
  }, 180_000);
  afterAll(async () => {
    for (const s of services) await s.stop();
    await tap?.close();
    await c.dispose();
    await collector?.stop();
  });

  it('follows an upload from the request through the queue into the converter and onto its event', async () => {
    const caller = callerContext();
    const res = await c.upload(media.url, await noise(1600, 1200).jpeg().toBuffer(), {
      traceparent: caller.traceparent,
    });
    expect(res.status).toBe(201);
    photoId = ((await res.json()) as PhotoStatus).id;
    const heard = await tap.waitFor('photo.ready', photoId);

    const queue = c.queueName;
    const spans = await collector.trace(caller.traceId, [
      'POST /v1/photos',
      `publish ${queue}`,
      `process ${queue}`,
      'download',
      'decode',
      'render master',
      'render thumb',
      'render large',
      'upload',
      'manifest',
      `publish ${c.eventsExchange}`,
    ]);
    const one = (name: string): CollectedSpan => {
      const found = spans.filter((s) => s.name === name);
      expect(found, name).toHaveLength(1);
      return found[0]!;
    };
    const upload = one('POST /v1/photos');
    const publish = one(`publish ${queue}`);
    const process = one(`process ${queue}`);
    // The media → queue → converter chain, each the parent of the next, under the caller's span.
    expect(upload).toMatchObject({ service: 'media', kind: SERVER, parentSpanId: caller.spanId });
    expect(upload.attributes['http.response.status_code']).toBe(201);
    expect(publish).toMatchObject({ service: 'media', kind: PRODUCER, parentSpanId: upload.spanId });
    expect(process).toMatchObject({ service: 'converter', kind: CONSUMER, parentSpanId: publish.spanId });
    expect(process.attributes).toMatchObject({ 'messaging.system': 'rabbitmq', 'enlarger.attempt': 1 });
    // The converter's steps, children of the delivery, in the order they ran.
    const steps = ['download', 'decode', 'render master', 'render thumb', 'render small', 'render medium']
      .concat(['render large', 'upload', 'manifest', `publish ${c.eventsExchange}`])
      .map(one);
    for (const step of steps)
      expect(step, step.name).toMatchObject({ service: 'converter', parentSpanId: process.spanId });
    const starts = [upload, publish, process, ...steps].map((s) => s.startNs);
    expect(starts).toEqual([...starts].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));

    // The event names the same trace, at the delivery that settled the photo.
    expect(heard.event.traceparent).toBe(`00-${caller.traceId}-${process.spanId}-01`);
  });

  it('gives a resizer request a span per pipeline step, in the trace of the request', async () => {
    const resizer = await startServiceProcess('resizer', 'RESIZER_PORT', {
      ...c.env,
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint,
      LOG_LEVEL: 'warn',
    });
    services.push(resizer);
    const caller = callerContext();
    const res = await fetch(`${resizer.url}/v1/photos/${photoId}?w=400&fmt=jpeg`, {
      headers: { traceparent: caller.traceparent },
    });
    expect(res.status).toBe(200);
    const steps = ['load', 'orient', 'resize', 'watermark', 'encode'];
    const spans = await collector.trace(caller.traceId, ['GET /v1/photos/:id', ...steps]);
    const request = spans.find((s) => s.name === 'GET /v1/photos/:id')!;
    expect(request).toMatchObject({ service: 'resizer', kind: SERVER, parentSpanId: caller.spanId });
    const stepSpans = steps.map((name) => spans.find((s) => s.name === name)!);
    for (const step of stepSpans) expect(step, step.name).toMatchObject({ parentSpanId: request.spanId });
    const starts = stepSpans.map((s) => s.startNs);
    expect(starts).toEqual([...starts].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  });
});
