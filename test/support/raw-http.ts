import { connect, type Socket } from 'node:net';

/** A request written byte by byte on a raw socket, for bodies no well-behaved client would send. */
export function openRaw(baseUrl: string): Promise<Socket> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => resolve(socket));
    socket.once('error', reject);
  });
}

/** The head of a POST to `path`; `headers` are written as given, Content-Length included. */
export function requestHead(path: string, headers: Record<string, string | number>): string {
  const lines = Object.entries(headers).map(([k, v]) => `${k}: ${v}`);
  return [`POST ${path} HTTP/1.1`, 'Host: localhost', ...lines, '', ''].join('\r\n');
}

/** The status line and headers of a response, header names lower-cased. */
export interface RawResponse {
  status: number;
  headers: Record<string, string>;
}

/** Resolves with the head of the response the server sends on `socket`, or undefined if it closes first. */
export function responseHead(socket: Socket): Promise<RawResponse | undefined> {
  return new Promise((resolve) => {
    let text = '';
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
      const end = text.indexOf('\r\n\r\n');
      if (end < 0) return;
      const [statusLine, ...lines] = text.slice(0, end).split('\r\n');
      const headers = Object.fromEntries(
        lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]),
      );
      resolve({ status: Number(statusLine!.split(' ')[1]), headers });
    });
    socket.once('close', () => resolve(undefined));
    socket.once('error', () => resolve(undefined));
  });
}

/** Resolves with the status of the response the server sends on `socket`, or undefined if it closes first. */
export async function responseStatus(socket: Socket): Promise<number | undefined> {
  return (await responseHead(socket))?.status;
}

/** A multipart/form-data body with `fields` then `file`, and its boundary. */
export function multipart(
  fields: Record<string, string | Buffer>,
  file: Buffer,
): { body: Buffer; contentType: string } {
  const boundary = `----enlarger${Math.random().toString(36).slice(2)}`;
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n`));
    parts.push(Buffer.from(value), Buffer.from('\r\n'));
  }
  parts.push(
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="p.jpg"\r\n` +
        'Content-Type: application/octet-stream\r\n\r\n',
    ),
    file,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  );
  return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}
