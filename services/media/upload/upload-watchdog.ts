import type { Request } from 'express';
import { HttpError } from '../../../lib/errors.js';
import type { UploadPolicy } from '../config.js';

/**
 * Cuts off an upload whose body stalls for `idleMs`, or whose average rate,
 * after that much grace, falls below `minBytesPerSecond`: a handful of
 * trickling clients must not hold every upload slot. Progress is what the
 * socket has read, so it counts through the multipart parser and the head
 * buffer alike. The request is destroyed with a 408, which fails the storage
 * write (nothing is kept). Returns a function that stops watching.
 */
export function watchUpload(
  req: Request,
  policy: Pick<UploadPolicy, 'idleMs' | 'minBytesPerSecond'>,
): () => void {
  const socket = req.socket;
  const startedAt = Date.now();
  const baseline = socket.bytesRead;
  let seen = baseline;
  let lastProgressAt = startedAt;
  const check = () => {
    const now = Date.now();
    if (socket.bytesRead > seen) {
      seen = socket.bytesRead;
      lastProgressAt = now;
    }
    const received = seen - baseline;
    const owed = (policy.minBytesPerSecond * (now - startedAt - policy.idleMs)) / 1000;
    let reason: string | undefined;
    if (now - lastProgressAt >= policy.idleMs) reason = `no data for ${Math.round(policy.idleMs / 1000)} s`;
    else if (received < owed) reason = `slower than ${policy.minBytesPerSecond} bytes/s`;
    if (!reason) return;
    stop();
    req.destroy(new HttpError(408, 'upload_too_slow', `upload cut off: ${reason}`, false));
  };
  const timer = setInterval(check, Math.min(1_000, policy.idleMs / 4));
  timer.unref();
  const stop = () => clearInterval(timer);
  req.once('end', stop);
  req.once('close', stop);
  return stop;
}
