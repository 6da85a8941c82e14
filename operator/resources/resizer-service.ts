import type { ImagePlatform } from '../api/imageplatform.js';
import { buildService, type DesiredService } from './service.js';

/** The Service image URLs point at. */
export const build = (cr: ImagePlatform): DesiredService => buildService(cr, 'resizer');
