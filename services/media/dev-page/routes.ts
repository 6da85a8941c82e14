import { existsSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import express, { type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { badRequest, notFound } from '../../../lib/errors.js';
import { FORMATS } from '../../../lib/photos/formats.js';
import { isPhotoId } from '../../../lib/photos/keys.js';
import { ManifestUnreadableError, readManifest } from '../../../lib/photos/records.js';
import type { Storage } from '../../../lib/storage/storage.js';
import { photoStatusBody } from '../status-handler.js';

export interface DevPageOptions {
  storage: Storage;
  /** Where the browser reaches the resizer, without a trailing slash. */
  resizerUrl: string;
  /** Signs a resizer path and query (`/v1/photos/ID?w=400`); absent when the resizer takes unsigned URLs. */
  sign?: ((pathAndQuery: string) => string) | undefined;
}

/** Photos the gallery shows, newest first; a dev data dir rarely holds more. */
const GALLERY_LIMIT = 100;

/** A resizer photo path with an optional query; the id is checked as photo ids are everywhere. */
const RESIZER_PATH = /^\/v1\/photos\/([^/?#\s]+)(\?[^#\s]*)?$/;
const isResizerPath = (path: string): boolean => {
  const id = RESIZER_PATH.exec(path)?.[1];
  return id !== undefined && isPhotoId(id);
};

/** What the page may ask to have signed: resizer photo paths, nothing else. */
const resizerUrlsRequest = z.object({
  paths: z.array(z.string().refine(isResizerPath, 'must be /v1/photos/{id}?…')).max(200),
});

/**
 * The dev page: static files at `/` (upload with progress, gallery with
 * `srcset`, detail view) and the few calls it needs beyond the public API:
 * the photo list, resizer URLs (signed with the resizer's key in `enlarger
 * dev`), and the stored master and sizes. Mounted only when MEDIA_DEV_PAGE is on.
 */
export function devPageRoutes(options: DevPageOptions): Router {
  const router = express.Router();
  // no-cache: the page is edited while `make dev` runs; revalidating costs nothing on loopback.
  router.use(express.static(staticDir(), { index: 'index.html', cacheControl: false, setHeaders }));
  router.get('/dev/api/photos', listPhotos(options.storage));
  router.post('/dev/api/resizer-urls', express.json({ limit: '64kb' }), resizerUrls(options));
  router.get('/dev/api/photos/:id/files/:name', storedFile(options.storage));
  return router;
}

function setHeaders(res: Response): void {
  res.set('Cache-Control', 'no-cache');
}

/**
 * The page's files sit next to this module in the sources; `make build`
 * compiles only TypeScript, so from dist/ they are found in the sources too.
 * The container image ships neither, and media refuses to start with the page
 * on there, rather than serve 404s.
 */
function staticDir(): string {
  const candidates = [
    new URL('./static/', import.meta.url),
    new URL('../../../../services/media/dev-page/static/', import.meta.url),
  ].map((url) => fileURLToPath(url));
  const found = candidates.find((dir) => existsSync(`${dir}index.html`));
  if (!found) throw new Error(`MEDIA_DEV_PAGE: the page's files are not in ${candidates.join(' or ')}`);
  return found;
}

/** `GET /dev/api/photos`: the newest photos, as `GET /v1/photos/{id}` shows each. */
function listPhotos(storage: Storage) {
  return async (_req: Request, res: Response): Promise<void> => {
    const manifests: { id: string; modified: number }[] = [];
    for await (const info of storage.list('photos/')) {
      const [, id, file] = info.key.split('/');
      if (file === 'manifest.json' && id && isPhotoId(id))
        manifests.push({ id, modified: info.lastModified?.getTime() ?? 0 });
    }
    // Listings come in key order, which for random ids is no order: the manifest's mtime is a good enough recency.
    manifests.sort((a, b) => b.modified - a.modified);
    const photos = [];
    for (const { id } of manifests.slice(0, GALLERY_LIMIT)) {
      // An unreadable record has nothing to show in a gallery; its status page says why.
      const manifest = await readManifest(storage, id).catch((err: unknown) => {
        if (err instanceof ManifestUnreadableError) return undefined;
        throw err;
      });
      if (manifest) photos.push(photoStatusBody(manifest));
    }
    photos.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    res.set('Cache-Control', 'no-store').json({ photos });
  };
}

/** `POST /dev/api/resizer-urls` `{paths}` → `{urls}`: absolute resizer URLs, signed when the resizer wants it. */
function resizerUrls({ resizerUrl, sign }: DevPageOptions) {
  return (req: Request, res: Response): void => {
    const parsed = resizerUrlsRequest.safeParse(req.body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw badRequest('bad_paths', `${issue?.path.join('.') || 'body'} ${issue?.message ?? 'is invalid'}`);
    }
    const urls = parsed.data.paths.map((path) => `${resizerUrl}${sign ? sign(path) : path}`);
    res.set('Cache-Control', 'no-store').json({ urls });
  };
}

/** `GET /dev/api/photos/{id}/files/{master|size name}`: a stored rendition, as the converter wrote it. */
function storedFile(storage: Storage) {
  return async (req: Request<{ id: string; name: string }>, res: Response): Promise<void> => {
    const { id, name } = req.params;
    const manifest = isPhotoId(id) ? await readManifest(storage, id) : undefined;
    const rendition =
      name === 'master' ? manifest?.master : manifest?.conversions.find((c) => c.name === name);
    if (!rendition) throw notFound('file_not_found', 'no such photo or rendition');
    const body = await storage.get(rendition.key);
    res.set({ 'Content-Type': FORMATS[rendition.format].mime, 'Cache-Control': 'no-cache' });
    await pipeline(body, res);
  };
}
