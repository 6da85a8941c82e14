import { createServer, request, type Server } from 'node:http';

/**
 * An HTTP proxy in front of the shared S3 server that can go down on cue,
 * for outages without stopping the server other tests use: every request
 * after the cut has its connection destroyed, as a network partition does.
 * `cutAfterDeletes(n)` lets n more object DELETEs through first, so a
 * takedown is interrupted half way.
 */
export interface S3FaultProxy {
  url: string;
  cutAfterDeletes(n: number): void;
  heal(): void;
  close(): Promise<void>;
}

export async function startS3FaultProxy(target: string, port: number): Promise<S3FaultProxy> {
  const upstream = new URL(target);
  let deletesLeft = Infinity;
  const server: Server = createServer((req, res) => {
    if (deletesLeft <= 0) {
      req.socket.destroy();
      return;
    }
    if (req.method === 'DELETE') deletesLeft--;
    // Headers pass unchanged: SigV4 signed the Host the client saw, which MinIO checks.
    const forward = request(
      {
        hostname: upstream.hostname,
        port: upstream.port,
        path: req.url,
        method: req.method,
        headers: req.headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${port}`,
    cutAfterDeletes(n) {
      deletesLeft = n;
    },
    heal() {
      deletesLeft = Infinity;
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
