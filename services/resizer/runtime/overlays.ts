import sharp, { type Sharp } from 'sharp';
import { serviceUnavailable } from '../../../lib/errors.js';
import type { Storage } from '../../../lib/storage/storage.js';
import { ByteCache } from './byte-cache.js';
import { Coalescer } from './coalescer.js';
import type { Overlay, OverlaySource } from '../render/watermark.js';

export interface OverlaySettings {
  /** Storage key of the logo; none means attribution only. */
  logoKey: string | undefined;
  /** Logo width as a fraction of the output width. */
  logoScale: number;
  /** 0..1, applied to the logo's own alpha. */
  logoOpacity: number;
  /** Attribution text height as a fraction of the output width (with a floor that stays legible). */
  textScale: number;
  /** Byte budget of rendered overlays (raw RGBA, one per logo width and attribution line size). */
  cacheBytes: number;
}

/**
 * Renders watermark overlays and keeps them: outputs come in a handful of
 * widths, so each logo size and attribution line is drawn once, not per
 * request.
 */
export class Overlays implements OverlaySource {
  private logoBytes: Promise<Buffer> | undefined;
  private readonly rendered: ByteCache<Overlay>;
  private readonly rendering = new Coalescer<Overlay>();

  constructor(
    private readonly storage: Storage,
    private readonly settings: OverlaySettings,
  ) {
    this.rendered = new ByteCache(settings.cacheBytes, (o) => o.rgba.length);
  }

  /** Bytes held by the rendered overlays. */
  get cacheBytes(): number {
    return this.rendered.bytes;
  }

  async logo(outputWidth: number): Promise<Overlay | undefined> {
    const { logoKey } = this.settings;
    if (!logoKey) return undefined;
    // Rounded to 4 px so a spread of output widths shares a few dozen renders.
    const width = Math.max(8, Math.round((outputWidth * this.settings.logoScale) / 4) * 4);
    return this.remember(`logo|${width}`, async () => {
      const logo = sharp(await this.loadLogo(logoKey))
        .resize({ width })
        .ensureAlpha()
        // dest-in keeps the logo's shape and multiplies its alpha by the opacity.
        .composite([{ ...onePixel(this.settings.logoOpacity), tile: true, blend: 'dest-in' }]);
      return toOverlay(logo);
    });
  }

  async attribution(photographer: string, outputWidth: number): Promise<Overlay> {
    const px = Math.max(11, Math.round(outputWidth * this.settings.textScale));
    const line = await this.remember(`text|${px}|${photographer}`, () => renderAttribution(photographer, px));
    // Never wider than the output: an overlay is blended only where it lies inside the frame.
    const maxWidth = Math.floor(outputWidth * 0.9);
    if (line.width <= maxWidth) return line;
    // Kept too: a long name on narrow outputs would otherwise cost a sharp pipeline per request.
    return this.remember(`text|${px}|${maxWidth}|${photographer}`, () => {
      const { rgba, width, height } = line;
      return toOverlay(sharp(rgba, { raw: { width, height, channels: 4 } }).resize({ width: maxWidth }));
    });
  }

  private async remember(key: string, render: () => Promise<Overlay>): Promise<Overlay> {
    // A failed render is not kept, so the next request tries again.
    return (
      this.rendered.get(key) ??
      this.rendering.run(key, async () => {
        const overlay = await render();
        this.rendered.set(key, overlay);
        return overlay;
      })
    );
  }

  private loadLogo(key: string): Promise<Buffer> {
    this.logoBytes ??= this.storage.getBuffer(key).catch((err: unknown) => {
      this.logoBytes = undefined;
      // Serving a photo without its watermark is worse than not serving it for a moment.
      throw serviceUnavailable('watermark_unavailable', 'the watermark logo cannot be read', err);
    });
    return this.logoBytes;
  }
}

/** "© Name" in white on a translucent dark plate, which keeps it legible on any picture. */
async function renderAttribution(photographer: string, px: number): Promise<Overlay> {
  const text = await sharp({
    text: {
      text: `<span foreground="white">© ${escapeMarkup(photographer)}</span>`,
      font: `sans ${px}`,
      rgba: true,
    },
  })
    .png()
    .toBuffer({ resolveWithObject: true });
  const pad = Math.ceil(px / 3);
  const plate = sharp({
    create: {
      width: text.info.width + 2 * pad,
      height: text.info.height + 2 * pad,
      channels: 4,
      background: { r: 0, g: 0, b: 0, alpha: 0.45 },
    },
  }).composite([{ input: text.data, left: pad, top: pad }]);
  return toOverlay(plate);
}

async function toOverlay(image: Sharp): Promise<Overlay> {
  const { data, info } = await image.ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { rgba: data, width: info.width, height: info.height };
}

function onePixel(alpha: number): { raw: { width: 1; height: 1; channels: 4 }; input: Buffer } {
  return {
    input: Buffer.from([255, 255, 255, Math.round(alpha * 255)]),
    raw: { width: 1, height: 1, channels: 4 },
  };
}

/**
 * Pango markup is GMarkup (XML): escape its specials, and drop control
 * characters and lone surrogates, which XML forbids (a NUL fails every render
 * with "invalid markup") and which would break the credit's single line.
 */
function escapeMarkup(text: string): string {
  return text
    .replace(/[\p{Cc}\p{Cs}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}
