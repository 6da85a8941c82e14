import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Address space the decoder may map: per pixel of the declared size, plus a
 * fixed allowance for the libraries and thread stacks. Measured (BENCHMARKS.md):
 * heif-convert peaks at ~7 B/px resident (the admission's figure) and a 12 MP
 * HEIC needs between 100 and 150 MiB of address space. 8 B/px + 128 MiB
 * leaves that margin, while a HEVC stream larger than its `ispe` runs out of
 * memory and fails here instead of taking the pod.
 */
const HEIF_ADDRESS_BYTES_PER_PIXEL = 8;
const HEIF_ADDRESS_BASE_BYTES = 128 * 1024 ** 2;
/** A 48 MP HEIC takes ~9 s of CPU; a decode still running after a minute is a decoder bomb. */
const HEIF_DECODE_TIMEOUT_MS = 60_000;

/** A decoded HEIC as a PNG beside the original; `dispose` removes it. */
export interface DecodedHeif {
  path: string;
  dispose: () => Promise<void>;
}

/**
 * Decodes a HEIC/HEIF with Debian's libheif (`heif-convert`: libde265 for
 * HEVC) into a PNG that libvips then reads like any upload. libheif applies
 * `irot`/`imir` and the PNG carries the ICC profile, so the usual sRGB
 * conversion sees the photo upright and in its own colours.
 *
 * A child process, not a WebAssembly build in the converter: libheif-js
 * exposes neither the ICC profile nor `imir`, and a decoder fed hostile input
 * should be able to crash or run out of memory on its own. It runs under an
 * address-space limit sized from the declared pixels and a timeout; either
 * failing rejects, and the caller marks the photo failed.
 */
export async function decodeHeif(file: string, declaredPixels: number): Promise<DecodedHeif> {
  const png = `${file}.png`;
  const dispose = () => rm(png, { force: true });
  const limit = HEIF_ADDRESS_BASE_BYTES + declaredPixels * HEIF_ADDRESS_BYTES_PER_PIXEL;
  try {
    await run('prlimit', [`--as=${limit}`, '--', 'heif-convert', '--quiet', file, png], {
      timeout: HEIF_DECODE_TIMEOUT_MS,
      killSignal: 'SIGKILL',
    });
  } catch (err) {
    await dispose();
    throw new Error(`heif-convert failed: ${decoderMessage(err)}`, { cause: err });
  }
  return { path: png, dispose };
}

function decoderMessage(err: unknown): string {
  const e = err as { killed?: boolean; signal?: string; stderr?: string; code?: unknown; message?: string };
  if (e.killed) return `no result after ${HEIF_DECODE_TIMEOUT_MS / 1000}s`;
  if (e.signal) return `killed by ${e.signal}`;
  const stderr = e.stderr?.trim().split('\n').slice(-2).join(' ');
  return stderr || e.message || String(err);
}
