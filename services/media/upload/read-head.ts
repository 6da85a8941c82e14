import type { Readable } from 'node:stream';

/** The first bytes of an upload and whether they are all of it. */
export interface Head {
  bytes: Buffer;
  /** True when the source ended within the head: `bytes` is the whole upload. */
  complete: boolean;
}

/**
 * Reads at least `size` bytes (or everything, if less) from `source` and
 * leaves it paused (it may be called again for more), so the rest can be streamed on after the head has been
 * judged. Only the head is ever held in memory.
 */
export function readHead(source: Readable, size: number): Promise<Head> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    const cleanup = () => {
      source.off('data', onData);
      source.off('end', onEnd);
      source.off('error', onError);
    };
    const finish = (complete: boolean) => {
      cleanup();
      source.pause();
      resolve({ bytes: Buffer.concat(chunks, length), complete });
    };
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      length += chunk.length;
      if (length >= size) finish(false);
    };
    const onEnd = () => finish(true);
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    source.on('data', onData);
    source.once('end', onEnd);
    source.once('error', onError);
    // A stream paused by an earlier read does not flow again for a new 'data' listener alone.
    source.resume();
  });
}

/** The whole upload again as one stream: the head already read, then the rest of `source`. */
export async function* rejoin(head: Head, source: Readable): AsyncGenerator<Buffer> {
  if (head.bytes.length > 0) yield head.bytes;
  if (head.complete) return;
  for await (const chunk of source) yield chunk as Buffer;
}
