import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { encoderOptions, type EncoderSettings } from './encoder-options.js';

const settings: EncoderSettings = {
  quality: { jpeg: 80, webp: 81, avif: 55 },
  jpegTrellis: true,
  jpegChroma: '4:4:4',
  webpEffort: 4,
  avifEffort: 2,
  avifChroma: '4:2:0',
};

describe('encoderOptions', () => {
  it('writes a baseline JPEG with the settings, the URL quality first', () => {
    expect(encoderOptions('jpeg', 95, settings)).toEqual({
      format: 'jpeg',
      options: {
        quality: 95,
        chromaSubsampling: '4:4:4',
        progressive: false,
        mozjpeg: false,
        trellisQuantisation: true,
        overshootDeringing: true,
        optimiseCoding: true,
      },
    });
  });

  it('falls back to the format default quality and passes effort and chroma', () => {
    expect(encoderOptions('webp', undefined, settings)).toEqual({
      format: 'webp',
      options: { quality: 81, effort: 4 },
    });
    expect(encoderOptions('avif', undefined, settings)).toEqual({
      format: 'avif',
      options: { quality: 55, effort: 2, chromaSubsampling: '4:2:0' },
    });
  });

  it('gives libjpeg what it writes: 4:4:4 stays baseline and unsubsampled, and trellis saves bytes', async () => {
    // A noisy gradient, so the encoders have detail to spend bytes on.
    const { width, height } = { width: 96, height: 64 };
    const pixels = Buffer.alloc(width * height * 3);
    for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 37 + ((i * 7919) % 61)) % 256;
    const encode = (s: EncoderSettings) =>
      sharp(pixels, { raw: { width, height, channels: 3 } })
        .jpeg(encoderOptions('jpeg', 80, s).options)
        .toBuffer();
    const full = await encode(settings);
    const meta = await sharp(full).metadata();
    expect([meta.chromaSubsampling, meta.isProgressive]).toEqual(['4:4:4', false]);
    const plain = await encode({ ...settings, jpegTrellis: false });
    expect(full.length).toBeLessThan(plain.length);
  });
});
