import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pinnedTools } from './control-plane.js';
import { killAndWait, script } from './processes.js';
import { eventually } from './wait.js';

/** One span as the Collector forwarded it (OTLP/JSON: ids in hex, times in nanoseconds as strings). */
export interface CollectedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  /** OTLP's enum: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  startNs: bigint;
  attributes: Record<string, unknown>;
}

interface OtlpJson {
  resourceSpans?: Array<{
    resource?: { attributes?: OtlpAttribute[] };
    scopeSpans?: Array<{
      spans?: Array<{
        traceId: string;
        spanId: string;
        parentSpanId?: string;
        name: string;
        kind: number;
        startTimeUnixNano: string;
        attributes?: OtlpAttribute[];
      }>;
    }>;
  }>;
}
type OtlpAttribute = { key: string; value: Record<string, unknown> };

/**
 * A real OpenTelemetry Collector (scripts/build-tools.sh otelcol) between
 * the services and the test: its OTLP/HTTP receiver takes their exports, and
 * its otlp_http exporter forwards them as JSON to a sink of the test's own,
 * where they are read back. Ports are fixed in this test's range (7200-7299).
 */
export class OtelCollector {
  private constructor(
    /** Every span forwarded so far, in arrival order. */
    readonly spans: CollectedSpan[],
    private readonly child: ChildProcess,
    private readonly sink: Server,
    private readonly dir: string,
    /** Base URL of the receiver: the services' OTEL_EXPORTER_OTLP_ENDPOINT. */
    readonly endpoint: string,
  ) {}

  static async start(ports = { receiver: 7201, sink: 7202 }): Promise<OtelCollector> {
    await script('build-tools.sh', 'otelcol');
    const { versions, bin } = pinnedTools();
    const spans: CollectedSpan[] = [];
    const sink = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        spans.push(...flatten(JSON.parse(Buffer.concat(chunks).toString('utf8')) as OtlpJson));
        res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
      });
    });
    sink.listen(ports.sink, '127.0.0.1');
    await new Promise((resolve) => sink.once('listening', resolve));
    const dir = await mkdtemp(path.join(tmpdir(), 'it-otelcol-'));
    const config = path.join(dir, 'config.yaml');
    await writeFile(config, collectorConfig(ports));
    const child = spawn(
      path.join(bin, `otelcol-${versions.OTELCOL_VERSION}`, 'otelcol'),
      [`--config=${config}`],
      {
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    const collector = new OtelCollector(spans, child, sink, dir, `http://127.0.0.1:${ports.receiver}`);
    // The receiver answers an empty export once it is up.
    await eventually(
      async () =>
        (
          await fetch(`${collector.endpoint}/v1/traces`, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: '{}',
          }).catch(() => undefined)
        )?.ok,
      { timeoutMs: 30_000, what: 'the Collector to take OTLP' },
    );
    return collector;
  }

  /** Every span of `traceId` once `names` have all arrived (exports are batched: seconds). */
  async trace(traceId: string, names: string[], timeoutMs = 30_000): Promise<CollectedSpan[]> {
    return eventually(
      () => {
        const spans = this.spans.filter((s) => s.traceId === traceId);
        return names.every((n) => spans.some((s) => s.name === n)) ? spans : undefined;
      },
      { timeoutMs, what: `spans ${names.join(', ')} of trace ${traceId}` },
    );
  }

  async stop(): Promise<void> {
    await killAndWait(this.child, 'SIGTERM');
    await new Promise((resolve) => this.sink.close(resolve));
    await rm(this.dir, { recursive: true, force: true });
  }
}

function collectorConfig(ports: { receiver: number; sink: number }): string {
  return `receivers:
  otlp:
    protocols:
      http:
        endpoint: 127.0.0.1:${ports.receiver}
exporters:
  otlp_http:
    endpoint: http://127.0.0.1:${ports.sink}
    encoding: json
    compression: none
service:
  telemetry:
    logs:
      level: warn
    metrics:
      level: none
  pipelines:
    traces:
      receivers: [otlp]
      exporters: [otlp_http]
`;
}

function flatten(body: OtlpJson): CollectedSpan[] {
  return (body.resourceSpans ?? []).flatMap((rs) => {
    const service = String(attributes(rs.resource?.attributes)['service.name']);
    return (rs.scopeSpans ?? []).flatMap((ss) =>
      (ss.spans ?? []).map((s) => ({
        service,
        traceId: s.traceId,
        spanId: s.spanId,
        parentSpanId: s.parentSpanId ?? '',
        name: s.name,
        kind: s.kind,
        startNs: BigInt(s.startTimeUnixNano),
        attributes: attributes(s.attributes),
      })),
    );
  });
}

function attributes(list: OtlpAttribute[] = []): Record<string, unknown> {
  // OTLP/JSON writes 64-bit integers as strings.
  return Object.fromEntries(
    list.map((a) => [a.key, 'intValue' in a.value ? Number(a.value.intValue) : Object.values(a.value)[0]]),
  );
}
