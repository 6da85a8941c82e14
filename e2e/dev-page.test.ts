import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { largeProgressivePhoto, realPhotosDir } from '../test/support/photos.js';
import { eventually } from '../test/support/wait.js';
import { launchChromium, screenshotDir, startDev, type DevProcess } from './support/dev-page.js';

/** The photos media already holds when the page opens: the gallery must list them. */
const SEEDED = [
  ['LadyBird.jpg', 'Lea Marsh'],
  ['Storm.jpg', 'Tom Reyes'],
  ['YellowFlower.jpg', 'Ann Example'],
] as const;
const SIGNING_KEY = 'dev-page-e2e-key';
/** The page's DPR: a tile of 240 CSS px then needs the 480 px candidate. */
const DPR = 2;

// The page's globals, as far as these checks use them inside page.evaluate:
// the project compiles without the DOM library, so they are declared here.
interface PageImage {
  src: string;
  currentSrc: string;
  complete: boolean;
  naturalWidth: number;
  naturalHeight: number;
  decode(): Promise<void>;
}
declare const document: { querySelectorAll(selector: string): Iterable<PageImage> & { length: number } };
declare const Image: new () => PageImage;
declare const window: { scrollTo(x: number, y: number): void };

interface ImageState {
  src: string;
  complete: boolean;
  /** Density-corrected: CSS px for a srcset image. */
  naturalWidth: number;
  /** The chosen file's own pixels. */
  pixels: { width: number; height: number };
}

/** Every image matching `selector`, once all have loaded, with the size of the file the browser chose. */
async function loadedImages(page: Page, selector: string): Promise<ImageState[]> {
  await page.waitForFunction(
    (sel) => {
      const images = [...document.querySelectorAll(sel)];
      return images.length > 0 && images.every((img) => img.complete && img.naturalWidth > 0);
    },
    selector,
    { timeout: 60_000 },
  );
  return page.evaluate(async (sel) => {
    const images = [...document.querySelectorAll(sel)];
    return Promise.all(
      images.map(async (img) => {
        // naturalWidth is divided by the candidate's density; a plain <img> of currentSrc gives its pixels.
        const probe = new Image();
        probe.src = img.currentSrc;
        await probe.decode();
        return {
          src: img.currentSrc,
          complete: img.complete,
          naturalWidth: img.naturalWidth,
          pixels: { width: probe.naturalWidth, height: probe.naturalHeight },
        };
      }),
    );
  }, selector);
}

async function saveScreenshot(page: Page, name: string): Promise<void> {
  // CSS pixels and a palette keep the PNG small enough for the README.
  const png = await page.screenshot({ scale: 'css', fullPage: false });
  const small = await sharp(png).png({ palette: true, quality: 80, compressionLevel: 9 }).toBuffer();
  await writeFile(path.join(screenshotDir(), name), small);
}

// `make dev`'s page in Debian's chromium: seeded photos listed, a real photo
// uploaded through the file input with progress, processing then ready, the
// gallery's srcset answered at the right width for the DPR, and the detail view.
// SIGNING_KEYS is set so the resizer refuses any URL the page did not get signed.
describe('the dev page in a real browser', () => {
  let dev: DevProcess;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const resizerResponses: { url: string; status: number; type: string; cacheControl: string }[] = [];

  beforeAll(async () => {
    execFileSync('make', ['--no-print-directory', 'build'], { stdio: 'inherit' });
    [dev, browser] = await Promise.all([startDev({ SIGNING_KEYS: SIGNING_KEY }), launchChromium()]);
    const dir = realPhotosDir();
    for (const [file, photographer] of SEEDED) {
      const res = await fetch(`${dev.mediaUrl}/v1/photos`, {
        method: 'POST',
        headers: { 'content-type': 'image/jpeg', 'x-photographer': photographer },
        body: await readFile(path.join(dir, file)),
      });
      expect(res.status).toBe(201);
    }
    context = await browser.newContext({ deviceScaleFactor: DPR, viewport: { width: 1088, height: 860 } });
    page = await context.newPage();
    page.on('response', (res) => {
      if (res.url().startsWith(dev.resizerUrl))
        resizerResponses.push({
          url: res.url(),
          status: res.status(),
          type: res.headers()['content-type'] ?? '',
          cacheControl: res.headers()['cache-control'] ?? '',
        });
    });
  });

  afterAll(async () => {
    await browser?.close();
    await dev?.stop();
  });

  it('is on in `enlarger dev`, and the resizer there refuses unsigned URLs', async () => {
    const res = await fetch(`${dev.mediaUrl}/`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<title>Enlarger dev</title>');
    const { photos } = (await (await fetch(`${dev.mediaUrl}/dev/api/photos`)).json()) as {
      photos: { id: string }[];
    };
    expect(photos).toHaveLength(SEEDED.length);
    expect((await fetch(`${dev.resizerUrl}/v1/photos/${photos[0]!.id}?w=240`)).status).toBe(403);
  });

  it('uploads a photo through the file input, shows progress, then processing, then ready', async () => {
    await page.goto(`${dev.mediaUrl}/`);
    await page.waitForSelector('body[data-loaded="true"]');
    expect(await page.locator('#gallery li.card').count()).toBe(SEEDED.length);

    const photo = await largeProgressivePhoto();
    await page.setInputFiles('#file', photo);
    await page.fill('#photographer', 'Zoë Example');
    const [response] = await Promise.all([
      page.waitForResponse(
        (res) => res.url() === `${dev.mediaUrl}/v1/photos` && res.request().method() === 'POST',
      ),
      page.click('#upload-button'),
    ]);
    expect(response.status()).toBe(201);
    const { id } = (await response.json()) as { id: string };

    const card = page.locator(`li.card[data-id="${id}"]`);
    await card.and(page.locator('[data-status="ready"]')).waitFor({ timeout: 60_000 });
    expect(await card.getAttribute('data-history')).toBe('processing ready');
    // <progress>'s value property reflects its attribute.
    expect(await page.locator('#progress').getAttribute('value')).toBe('100');
    expect(await page.locator('#progress-text').textContent()).toBe('100% of 16.4 MB');
    // Newest first.
    expect(await page.locator('#gallery li.card').first().getAttribute('data-id')).toBe(id);
  });

  it("loads every gallery image at the srcset width for the page's DPR, signed, as WebP at once, then AVIF", async () => {
    await page.waitForFunction(
      () => document.querySelectorAll('#gallery li.card[data-status="ready"]').length === 4,
      undefined,
      { timeout: 60_000 },
    );
    const images = await loadedImages(page, '#gallery img');
    expect(images).toHaveLength(SEEDED.length + 1);
    for (const image of images) {
      const query = new URL(image.src).searchParams;
      // 240 CSS px at DPR 2: the 480w candidate, a 480 px square, shown at 240 CSS px.
      // fmt left at its default (auto): the resizer refuses fmt=auto as a second URL for the output.
      expect(Object.fromEntries(query)).toMatchObject({ w: '480', h: '480' });
      expect(query.has('fmt')).toBe(false);
      expect(query.get('s')).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(image.pixels).toEqual({ width: 480, height: 480 });
      expect(image.naturalWidth).toBe(240);
    }
    const gallery = resizerResponses.filter((r) => new URL(r.url).searchParams.has('h'));
    // One file per tile: the browser fetched only the candidate it chose.
    expect(gallery.map((r) => new URL(r.url).searchParams.get('w'))).toEqual(images.map(() => '480'));
    // AVIF renders off the request path by default: a short-lived WebP now, the AVIF once rendered.
    expect(gallery.map((r) => [r.status, r.type, r.cacheControl])).toEqual(
      images.map(() => [200, 'image/webp', 'public, max-age=60']),
    );
    await saveScreenshot(page, 'dev-page.png');
    const accept = 'image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8';
    for (const { url } of gallery) {
      await eventually(
        async () => {
          const res = await fetch(url, { headers: { accept } });
          await res.arrayBuffer();
          return (
            res.headers.get('content-type') === 'image/avif' &&
            res.headers.get('cache-control') === 'public, max-age=31536000, immutable'
          );
        },
        { timeoutMs: 60_000, what: `the AVIF of ${url}` },
      );
    }
  });

  it('shows the detail view: metadata, the master, each size and a watermarked render', async () => {
    const id = await page.locator('#gallery li.card').first().getAttribute('data-id');
    await page.locator(`li.card[data-id="${id}"] a`).click();
    await page.waitForSelector('#detail-view:not([hidden])');
    const manifest = (await (await fetch(`${dev.mediaUrl}/v1/photos/${id}`)).json()) as {
      master: { width: number; height: number };
      conversions: { name: string; width: number; height: number }[];
    };

    const meta = await page.locator('#detail-meta').innerText();
    expect(meta).toContain('jpeg, 5640 × 3172, 16.4 MB');
    expect(meta).toContain('Zoë Example');

    const [render] = await loadedImages(page, '#detail-render img');
    expect(Object.fromEntries(new URL(render!.src).searchParams)).toMatchObject({
      w: '800',
      dpr: String(DPR),
    });
    expect(new URL(render!.src).searchParams.has('fmt')).toBe(false);
    expect(render!.pixels).toEqual({ width: 800 * DPR, height: Math.round((800 * DPR * 3172) / 5640) });
    expect(render!.naturalWidth).toBe(800);

    const [master] = await loadedImages(page, '#detail-master img');
    expect(master!.pixels).toEqual({ width: manifest.master.width, height: manifest.master.height });
    const sizes = await loadedImages(page, '#detail-sizes img');
    expect(sizes.map((s) => s.pixels)).toEqual(
      manifest.conversions.map(({ width, height }) => ({ width, height })),
    );
    expect(sizes.length).toBeGreaterThanOrEqual(4);
    await page.evaluate(() => window.scrollTo(0, 0));
    await saveScreenshot(page, 'dev-page-detail.png');
  });
});
