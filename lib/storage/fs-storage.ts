import { createHash, randomBytes } from 'node:crypto';
import { constants, type Dirent } from 'node:fs';
import { access, mkdir, open, readdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pruneEmptyDirs } from './fs-tidy.js';
import { assertValidKey, assertValidPrefix } from './keys.js';
import {
  ObjectNotFoundError,
  StorageUnavailableError,
  type ObjectInfo,
  type PutOptions,
  type Storage,
} from './storage.js';

/** What the sidecar `.<name>.meta.json` next to each object holds. */
interface Sidecar {
  contentType?: string;
  metadata?: Record<string, string>;
  etag: string;
}

/** Errors that mean "the disk is in trouble", not "you asked for something wrong". */
const UNAVAILABLE_CODES = new Set([
  'EIO',
  'ENOSPC',
  'EROFS',
  'ESTALE',
  'ETIMEDOUT',
  'EMFILE',
  'ENFILE',
  'EAGAIN',
]);
/** What opening or stat-ing a missing key can fail with: gone, or a path through a file. */
const MISSING_CODES = new Set(['ENOENT', 'ENOTDIR', 'EISDIR']);

/**
 * Storage on a local directory, for development and single-node setups.
 * Key `a/b.jpg` is the file `<dir>/a/b.jpg`; its content type, metadata and
 * MD5 etag sit in `<dir>/a/.b.jpg.meta.json`. Writes stream into a temp file
 * in the same directory, are fsynced and then renamed into place, so readers
 * never see a half-written object and a crash never leaves one behind.
 *
 * Unlike S3, a key cannot also be a "directory" of other keys (`a` and `a/b`);
 * storing the second of such a pair fails with a plain Error.
 */
export class FsStorage implements Storage {
  readonly root: string;

  constructor(dir: string) {
    this.root = path.resolve(dir);
  }

  async put(key: string, body: Readable | Buffer | string, options: PutOptions = {}): Promise<ObjectInfo> {
    const file = this.fileOf(key);
    const dir = path.dirname(file);
    return guard(async () => {
      let data: TempFile;
      try {
        data = await writeInDir(key, dir, path.basename(file), toChunks(body));
      } catch (err) {
        // A refused or failed upload must not leave its folder behind.
        await pruneEmptyDirs(this.root, dir);
        throw err;
      }
      const sidecar: Sidecar = {
        contentType: options.contentType,
        metadata: options.metadata,
        etag: data.etag,
      };
      let meta: TempFile | undefined;
      try {
        meta = await writeTemp(dir, path.basename(file), toChunks(JSON.stringify(sidecar)));
        // Sidecar first: a reader racing this put may see new metadata with
        // old bytes for a moment, but never bytes without their metadata.
        await rename(meta.path, sidecarOf(file));
        await rename(data.path, file).catch((err: unknown) => {
          throw codeOf(err) === 'EISDIR' ? new Error(`cannot store ${key}: keys under ${key}/ exist`) : err;
        });
      } catch (err) {
        await Promise.all([unlink(data.path).catch(() => {}), meta && unlink(meta.path).catch(() => {})]);
        await pruneEmptyDirs(this.root, dir);
        throw err;
      }
      // The renames are only durable once the directory entry is on disk.
      await syncDir(dir);
      const info = await stat(file);
      return {
        key,
        size: data.size,
        contentType: options.contentType,
        etag: data.etag,
        lastModified: info.mtime,
      };
    });
  }

  async get(key: string): Promise<Readable> {
    const file = this.fileOf(key);
    return guard(async () => {
      const handle = await open(file, 'r').catch(notFoundAs(key));
      // Opening a directory succeeds on Linux; it is not an object.
      if (!(await handle.stat()).isFile()) {
        await handle.close();
        throw new ObjectNotFoundError(key);
      }
      return handle.createReadStream();
    });
  }

  async getBuffer(key: string): Promise<Buffer> {
    const file = this.fileOf(key);
    return guard(() => readFile(file).catch(notFoundAs(key)));
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    const file = this.fileOf(key);
    return guard(async () => {
      const info = await this.describe(key, file);
      if (!info) return undefined;
      const sidecar = await readSidecar(file);
      return { ...info, contentType: sidecar?.contentType, etag: sidecar?.etag, metadata: sidecar?.metadata };
    });
  }

  async delete(key: string): Promise<void> {
    const file = this.fileOf(key);
    await guard(async () => {
      await unlink(file).catch(ignoreMissing);
      await unlink(sidecarOf(file)).catch(ignoreMissing);
      await pruneEmptyDirs(this.root, path.dirname(file));
    });
  }

  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    assertValidPrefix(prefix);
    // Start at the deepest directory the prefix names in full: "a/b/c" -> "a/b/".
    yield* this.walk(prefix.slice(0, prefix.lastIndexOf('/') + 1), prefix);
  }

  async ping(): Promise<void> {
    try {
      await mkdir(this.root, { recursive: true });
      await access(this.root, constants.R_OK | constants.W_OK);
    } catch (err) {
      throw new StorageUnavailableError(`storage directory ${this.root} is not usable`, { cause: err });
    }
  }

  private fileOf(key: string): string {
    assertValidKey(key);
    return path.join(this.root, ...key.split('/'));
  }

  private async *walk(dirKey: string, prefix: string): AsyncGenerator<ObjectInfo> {
    let entries: Dirent[];
    try {
      entries = await readdir(path.join(this.root, dirKey), { withFileTypes: true });
    } catch (err) {
      if (MISSING_CODES.has(codeOf(err) ?? '')) return;
      throw err;
    }
    // A directory sorts as "name/" so the walk yields keys in the same byte
    // order S3 lists them: "a-b" comes before "a/c".
    const children = entries
      .filter((e) => !e.name.startsWith('.') && (e.isFile() || e.isDirectory()))
      .map((e) => ({ key: dirKey + e.name + (e.isDirectory() ? '/' : ''), isDir: e.isDirectory() }))
      .filter((c) => c.key.startsWith(prefix) || (c.isDir && prefix.startsWith(c.key)))
      .sort((a, b) => Buffer.compare(Buffer.from(a.key), Buffer.from(b.key)));
    for (const child of children) {
      if (child.isDir) {
        yield* this.walk(child.key, prefix);
        continue;
      }
      const file = path.join(this.root, child.key);
      const info = await this.describe(child.key, file);
      // Deleted between readdir and stat: a listing is not a snapshot.
      if (info) yield { ...info, etag: (await readSidecar(file))?.etag };
    }
  }

  private async describe(key: string, file: string): Promise<ObjectInfo | undefined> {
    const info = await stat(file).catch((err: unknown) => {
      if (MISSING_CODES.has(codeOf(err) ?? '')) return undefined;
      throw err;
    });
    if (!info?.isFile()) return undefined;
    return { key, size: info.size, lastModified: info.mtime };
  }
}

/**
 * Creates `dir` and streams the body into a temp file there. Another put's
 * or delete's {@link pruneEmptyDirs} may remove the directory at any moment
 * (it was empty for a moment): under `mkdir`, whose recursive form stats a
 * directory it found existing, or before `open`. Either fails with ENOENT,
 * and the directory is then simply made again.
 */
async function writeInDir(
  key: string,
  dir: string,
  base: string,
  chunks: AsyncIterable<Buffer>,
): Promise<TempFile> {
  for (let attempt = 1; ; attempt++) {
    const retry = (err: unknown, syscalls: string[]) =>
      codeOf(err) === 'ENOENT' &&
      attempt < MAX_DIR_ATTEMPTS &&
      syscalls.includes((err as { syscall?: string }).syscall ?? '');
    try {
      await mkdir(dir, { recursive: true });
    } catch (err) {
      const code = codeOf(err);
      if (code === 'ENOTDIR' || code === 'EEXIST')
        throw new Error(`cannot store ${key}: a prefix of it is a key`, { cause: err });
      if (retry(err, ['mkdir', 'stat'])) continue;
      throw err;
    }
    try {
      return await writeTemp(dir, base, chunks);
    } catch (err) {
      if (!retry(err, ['open'])) throw err;
    }
  }
}

/** Each attempt loses only to a prune that ran in the microseconds between two syscalls; five never all do. */
const MAX_DIR_ATTEMPTS = 5;

interface TempFile {
  path: string;
  size: number;
  etag: string;
}

/** Streams `chunks` into a new temp file next to `base`, fsyncs it and returns its MD5 (S3's etag for one part). */
async function writeTemp(dir: string, base: string, chunks: AsyncIterable<Buffer>): Promise<TempFile> {
  const tempPath = path.join(dir, `.${base}.${randomBytes(6).toString('hex')}.tmp`);
  const md5 = createHash('md5');
  let size = 0;
  async function* hashing(): AsyncGenerator<Buffer> {
    for await (const chunk of chunks) {
      md5.update(chunk);
      size += chunk.length;
      yield chunk;
    }
  }
  const handle = await open(tempPath, 'wx');
  try {
    await writeFile(handle, hashing());
    await handle.sync();
  } catch (err) {
    await handle.close();
    await unlink(tempPath).catch(() => {});
    throw err;
  }
  await handle.close();
  return { path: tempPath, size, etag: md5.digest('hex') };
}

async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function* toChunks(body: Readable | Buffer | string): AsyncGenerator<Buffer> {
  if (typeof body === 'string' || Buffer.isBuffer(body)) {
    yield Buffer.from(body);
    return;
  }
  for await (const chunk of body as AsyncIterable<Buffer | string>) yield Buffer.from(chunk);
}

const sidecarOf = (file: string): string =>
  path.join(path.dirname(file), `.${path.basename(file)}.meta.json`);

async function readSidecar(file: string): Promise<Sidecar | undefined> {
  // Objects copied in by hand have no sidecar; they just lack metadata.
  const text = await readFile(sidecarOf(file), 'utf8').catch(ignoreMissing);
  return text === undefined ? undefined : (JSON.parse(text) as Sidecar);
}

const codeOf = (err: unknown): string | undefined =>
  typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string'
    ? err.code
    : undefined;

function ignoreMissing(err: unknown): undefined {
  if (MISSING_CODES.has(codeOf(err) ?? '')) return undefined;
  throw err;
}

const notFoundAs =
  (key: string) =>
  (err: unknown): never => {
    throw MISSING_CODES.has(codeOf(err) ?? '') ? new ObjectNotFoundError(key) : err;
  };

/** Runs a filesystem operation, turning disk-level failures into {@link StorageUnavailableError}. */
async function guard<T>(op: () => Promise<T>): Promise<T> {
  try {
    return await op();
  } catch (err) {
    const code = codeOf(err);
    if (code && UNAVAILABLE_CODES.has(code))
      throw new StorageUnavailableError(`filesystem storage: ${code}`, { cause: err });
    throw err;
  }
}
