import { Command } from 'commander';
import { parseBytes } from '../../lib/config/parse-env.js';
import { messageOf } from '../../lib/errors.js';
import { loadMediaConfig } from '../../services/media/config.js';
import { signUploadToken } from '../../services/media/upload/upload-token.js';

interface SignUploadOptions {
  maxBytes?: string;
  expiresIn: string;
  photographer?: string;
  owner?: string;
  id?: string;
}

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** `90`, `90s`, `15m`, `2h`, `1d` in seconds; anything else throws. */
export function durationSeconds(text: string): number {
  const m = /^(\d+)([smhd]?)$/.exec(text.trim());
  const seconds = m ? Number(m[1]) * UNIT_SECONDS[m[2] || 's']! : 0;
  if (seconds <= 0)
    throw new Error(`--expires-in must be a positive duration like 90s, 15m or 2h, got ${text}`);
  return seconds;
}

/**
 * `enlarger sign-upload`: prints one upload token signed with the first of
 * MEDIA_UPLOAD_KEYS, as the site would mint it, for `Authorization: Bearer`.
 * The byte limit defaults to media's own (MEDIA_MAX_BYTES).
 */
export const signUploadCommand = () =>
  new Command('sign-upload')
    .description('print an upload token signed with the first of MEDIA_UPLOAD_KEYS')
    .option('--max-bytes <size>', 'largest body the token allows, e.g. 20MB (default: MEDIA_MAX_BYTES)')
    .option('--expires-in <duration>', 'how long the token is valid: 90s, 15m, 2h, 1d', '15m')
    .option('--photographer <name>', 'the credit the photo must carry')
    .option('--owner <id>', 'opaque owner stored with the photo and shown by its status')
    .option('--id <photo-id>', 'the id the photo must get (22 characters of base64url)')
    .action(async (options: SignUploadOptions) => {
      try {
        const config = loadMediaConfig(process.env);
        const [key] = config.uploadKeys;
        if (!key) throw new Error('MEDIA_UPLOAD_KEYS is empty: there is no key to sign with');
        const token = await signUploadToken(key, {
          maxBytes: options.maxBytes === undefined ? config.limits.maxBytes : parseBytes(options.maxBytes),
          expiresInSeconds: durationSeconds(options.expiresIn),
          ...(options.photographer !== undefined && { photographer: options.photographer }),
          ...(options.owner !== undefined && { owner: options.owner }),
          ...(options.id !== undefined && { photoId: options.id }),
        });
        process.stdout.write(`${token}\n`);
      } catch (err) {
        process.stderr.write(`sign-upload: ${messageOf(err)}\n`);
        process.exitCode = 2;
      }
    });
