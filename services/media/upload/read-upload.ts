import { PassThrough, type Readable } from 'node:stream';
import busboy from 'busboy';
import type { Request } from 'express';
import { badRequest, HttpError } from '../../../lib/errors.js';
import { decodeHeader, normalisePhotographer } from './photographer.js';

/** The image stream of a request and, once the request has been read, who took it. */
export interface UploadSource {
  file: Readable;
  /** Settles after the file stream ends: a form field may come after the file. */
  photographer: () => Promise<string | undefined>;
}

/**
 * A request body is either the raw image (any Content-Type) or a
 * multipart/form-data form with the image in field `file`. The photographer
 * comes from header `X-Photographer` or form field `photographer`, or from
 * the upload token (`granted`), which the client may repeat but not contradict.
 */
export async function readUpload(req: Request, granted?: string): Promise<UploadSource> {
  const header = credited(normalisePhotographer(decodeHeader(req.get('x-photographer'))), granted);
  if (!req.is('multipart/form-data')) return { file: req, photographer: () => Promise.resolve(header) };
  return readMultipart(req, header, granted);
}

/**
 * The credit stored: the client's, or the token's. A client naming someone
 * else than its token does is refused rather than silently overruled; the
 * header is checked before a byte is stored, a form field once the form is read.
 */
function credited(given: string | undefined, granted: string | undefined): string | undefined {
  if (granted !== undefined && given !== undefined && given !== granted) throw notGranted();
  return given ?? granted;
}

const notGranted = () =>
  new HttpError(403, 'photographer_not_granted', 'the upload token credits another photographer', false, {
    caching: 'no-store',
  });

function readMultipart(
  req: Request,
  header: string | undefined,
  granted: string | undefined,
): Promise<UploadSource> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, limits: { files: 1, fields: 10, fieldSize: 1024 } });
    } catch (err) {
      reject(badRequest('bad_multipart', (err as Error).message));
      return;
    }
    let field: string | undefined;
    let fieldError: Error | undefined;
    let gotFile = false;
    const finished = new Promise<void>((done, fail) => {
      parser.on('close', done);
      parser.on('error', fail);
    });
    // Awaited only after the file is stored; until then a failure must not count as unhandled.
    finished.catch(() => undefined);
    parser.on('field', (name, value) => {
      if (name !== 'photographer') return;
      try {
        field = normalisePhotographer(value);
      } catch (err) {
        fieldError = err as Error;
      }
    });
    parser.on('file', (name, stream) => {
      if (name !== 'file' || gotFile) {
        stream.resume();
        return;
      }
      gotFile = true;
      resolve({
        file: formFile(stream, req),
        photographer: async () => {
          await finished;
          if (fieldError) throw fieldError;
          // Checked even when the header credits the token's photographer: the form must not contradict it either.
          const fromField = credited(field, granted);
          return header ?? fromField;
        },
      });
    });
    parser.on('close', () => {
      if (!gotFile) reject(badRequest('missing_file', 'the multipart form has no `file` field'));
    });
    parser.on('error', (err) => reject(badRequest('bad_multipart', (err as Error).message)));
    req.pipe(parser);
  });
}

/**
 * The form's file as a stream that fails the way the upload did. busboy fails
 * a form cut short with a plain Error ("Unexpected end of file"), which would
 * answer 500; it is the client's malformed body, so it becomes a 400 here,
 * where its meaning is known. And busboy never hears that the request itself
 * failed (client gone, cut off for being too slow): piping does not forward
 * errors, so without this the storage write would wait forever.
 */
function formFile(stream: Readable, req: Request): Readable {
  const out = new PassThrough();
  stream.on('error', (err) => out.destroy(badRequest('bad_multipart', `malformed form: ${err.message}`)));
  req.once('error', (err) => out.destroy(err));
  stream.pipe(out);
  return out;
}
