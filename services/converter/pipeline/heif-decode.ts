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
/**
 * One malloc arena for the decoder. glibc reserves 64 MiB of address space
 * for each thread's arena; libheif decodes grid tiles and libde265 runs
 * worker threads, so under the address-space limit an arena or a thread
 * stack could not be mapped, and libde265 then waited for a worker that never
 * started. Measured on a 2×2 grid HEIC under 200 MiB: 7 of 15 decodes hung
 * and 6 aborted with glibc's default; with one arena, 100 of 100 passed under
 * the 130 MiB the converter allows it, and a limit too small aborts instead
 * of hanging. `env` (coreutils, always present) sets it for the decoder
 * alone, after `prlimit`, and takes away the pods' preloaded jemalloc
 * (lib/process/malloc.ts): those measurements were of glibc with one arena.
 */
const ONE_ARENA = ['/usr/bin/env', '-u', 'LD_PRELOAD', '-u', 'MALLOC_CONF', 'MALLOC_ARENA_MAX=1'];

/** The Debian package that ships `heif-convert` (libheif with libde265 for HEVC). */
export const HEIF_DECODER_PACKAGE = 'libheif-examples';

/**
 * The HEIC decoder cannot run on this host: `heif-convert` or `prlimit` is
 * not installed, or libheif has no HEVC decoder. A fault of the image the
 * converter runs in, not of the photo: the converter says so at startup
 * and keeps converting every other format; a HEIC task is retried (the
 * photo stays `processing` and the sweep brings it back) instead of being
 * marked failed.
 */
export class HeifDecoderMissingError extends Error {
  constructor(detail: string, options?: { cause?: unknown }) {
    super(`HEIC decoder unavailable: ${detail}; install the Debian package ${HEIF_DECODER_PACKAGE}`, options);
    this.name = 'HeifDecoderMissingError';
  }
}

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
    await run('prlimit', [`--as=${limit}`, '--', ...ONE_ARENA, 'heif-convert', '--quiet', file, png], {
      timeout: HEIF_DECODE_TIMEOUT_MS,
      killSignal: 'SIGKILL',
    });
  } catch (err) {
    await dispose();
    throw notInstalled(err) ?? new Error(`heif-convert failed: ${decoderMessage(err)}`, { cause: err });
  }
  return { path: png, dispose };
}

/**
 * Tells, at startup, whether HEICs could be decoded here: runs the decoder
 * the way {@link decodeHeif} does and asks libheif for its HEVC decoders.
 */
export async function checkHeifDecoder(): Promise<void> {
  let stdout: string;
  try {
    ({ stdout } = await run(
      'prlimit',
      [`--as=${HEIF_ADDRESS_BASE_BYTES}`, '--', ...ONE_ARENA, 'heif-convert', '--list-decoders'],
      { timeout: 10_000 },
    ));
  } catch (err) {
    throw notInstalled(err) ?? new HeifDecoderMissingError(decoderMessage(err), { cause: err });
  }
  // "HEIC decoders:" followed by one "- name = ..." line per decoder, or by none.
  if (!/HEIC decoders:\s*\n\s*- /.test(stdout)) {
    throw new HeifDecoderMissingError('heif-convert lists no HEIC (HEVC) decoder');
  }
}

/**
 * The error when the decoder could not be started at all: `prlimit` itself
 * missing (ENOENT), or `env` unable to exec `heif-convert` (127/126, as
 * a shell reports a command not found or not executable). A decoder that
 * ran and failed exits 1 or dies by a signal, so neither is taken for this.
 */
function notInstalled(err: unknown): HeifDecoderMissingError | undefined {
  const { code } = err as { code?: unknown };
  if (code === 'ENOENT')
    return new HeifDecoderMissingError('prlimit (util-linux) is not on PATH', { cause: err });
  if (code === 127 || code === 126) {
    return new HeifDecoderMissingError(`heif-convert cannot be run: ${decoderMessage(err)}`, { cause: err });
  }
  return undefined;
}

function decoderMessage(err: unknown): string {
  const e = err as { killed?: boolean; signal?: string; stderr?: string; code?: unknown; message?: string };
  if (e.killed) return `no result after ${HEIF_DECODE_TIMEOUT_MS / 1000}s`;
  if (e.signal) return `killed by ${e.signal}`;
  const stderr = e.stderr?.trim().split('\n').slice(-2).join(' ');
  return stderr || e.message || String(err);
}
