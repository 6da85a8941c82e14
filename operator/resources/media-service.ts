import type { ImagePlatform } from '../api/imageplatform.js';
import { buildService, type DesiredService } from './service.js';

/** The Service clients upload through. */
export const build = (cr: ImagePlatform): DesiredService => buildService(cr, 'media');
