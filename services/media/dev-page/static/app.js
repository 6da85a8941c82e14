// The dev page: upload with progress, a gallery that polls until each photo is
// ready, and a detail view. Plain DOM, no build step; media serves it only
// with MEDIA_DEV_PAGE on. Text from the API goes in with textContent only.

/** Gallery tiles are this many CSS px square (style.css); the browser picks a width for its DPR. */
const TILE = 240;
const TILE_WIDTHS = [240, 360, 480, 720, 960];
/** The detail view's watermarked render: one CSS width, a `dpr` per density. */
const RENDER_WIDTH = 800;
const RENDER_DPRS = [1, 2, 3];
const POLL_MS = 500;

const $ = (id) => document.getElementById(id);
/** id → { li, photo, history: statuses seen, since: when this page saw it processing } */
const cards = new Map();

async function api(path, init) {
  const res = await fetch(path, init);
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(body.error?.message ?? `${path}: ${res.status}`);
  return body;
}

/**
 * A resizer path with its query in canonical (sorted) order, the order a
 * signature covers. Callers leave out parameters at their default (fmt=auto,
 * dpr=1): the resizer refuses those spellings, one URL per output.
 */
function resizerPath(id, params) {
  const query = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)]));
  query.sort();
  return `/v1/photos/${id}?${query}`;
}

/** Absolute resizer URLs for `paths`, signed by media when the resizer requires signatures. */
async function resizerUrls(paths) {
  const { urls } = await api('/dev/api/resizer-urls', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ paths }),
  });
  return urls;
}

function el(tag, props = {}, children = []) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

function formatBytes(n) {
  return n >= 1e6 ? `${(n / 1e6).toFixed(1)} MB` : `${Math.max(1, Math.round(n / 1e3))} kB`;
}

// Upload --------------------------------------------------------------------

/** POSTs the file as a multipart form with XHR, whose upload events (unlike fetch's) report progress. */
function upload(file, photographer, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/v1/photos');
    xhr.responseType = 'json';
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    };
    xhr.onload = () =>
      xhr.status === 201
        ? resolve(xhr.response)
        : reject(new Error(xhr.response?.error?.message ?? `upload failed with ${xhr.status}`));
    xhr.onerror = () => reject(new Error('upload failed: the connection broke'));
    const form = new FormData();
    if (photographer) form.append('photographer', photographer);
    form.append('file', file);
    xhr.send(form);
  });
}

function setProgress(fraction, file) {
  const percent = Math.round(fraction * 100);
  $('progress').value = percent;
  $('progress-text').textContent = `${percent}% of ${formatBytes(file.size)}`;
}

async function onSubmit(event) {
  event.preventDefault();
  const file = $('file').files[0];
  if (!file) return;
  $('upload-error').hidden = true;
  $('upload-button').disabled = true;
  setProgress(0, file);
  try {
    const photo = await upload(file, $('photographer').value.trim(), (f) => setProgress(f, file));
    setProgress(1, file);
    showCard(photo, { prepend: true });
    poll(photo.id);
  } catch (err) {
    $('upload-error').textContent = err.message;
    $('upload-error').hidden = false;
  } finally {
    $('upload-button').disabled = false;
  }
}

// Gallery -------------------------------------------------------------------

/** Adds or updates a photo's card; a status change is recorded in its history. */
function showCard(photo, { prepend = false } = {}) {
  let card = cards.get(photo.id);
  if (!card) {
    card = { li: el('li', { className: 'card' }), history: [], since: Date.now() };
    cards.set(photo.id, card);
    $('gallery')[prepend ? 'prepend' : 'append'](card.li);
  }
  const changed = card.photo?.status !== photo.status;
  card.photo = photo;
  if (!changed) return;
  card.history.push(photo.status);
  card.li.dataset.id = photo.id;
  card.li.dataset.status = photo.status;
  card.li.dataset.history = card.history.join(' ');
  renderCard(card);
  $('empty').hidden = cards.size > 0;
  if (currentDetailId() === photo.id) void showDetail(photo.id);
}

function renderCard({ li, photo, history, since }) {
  const badge = el('span', { className: `badge ${photo.status}`, textContent: photo.status });
  if (photo.status === 'ready' && history[0] === 'processing') {
    badge.title = `ready ${((Date.now() - since) / 1000).toFixed(1)} s after upload`;
    badge.textContent = `ready in ${((Date.now() - since) / 1000).toFixed(1)} s`;
  }
  if (photo.error) badge.title = photo.error;
  const label = el('span', { textContent: photo.photographer ?? photo.id.slice(0, 8) });
  const media =
    photo.status === 'ready'
      ? galleryImage(photo)
      : el('div', { className: 'placeholder', textContent: `${photo.status}…` });
  li.replaceChildren(
    el('a', { href: `#/photos/${photo.id}` }, [media, el('div', { className: 'caption' }, [label, badge])]),
  );
}

/**
 * A square tile with one candidate per width, `w` descriptors and
 * `sizes` = the tile: the browser takes the width its DPR needs
 * (480 at 2x), and `fmt` left at auto lets the resizer answer AVIF or WebP.
 */
function galleryImage(photo) {
  const img = el('img', { alt: `photo ${photo.id}`, width: TILE, height: TILE, loading: 'lazy' });
  const paths = TILE_WIDTHS.map((w) => resizerPath(photo.id, { h: w, w }));
  void resizerUrls(paths).then((urls) => {
    img.sizes = `${TILE}px`;
    img.srcset = urls.map((url, i) => `${url} ${TILE_WIDTHS[i]}w`).join(', ');
    img.src = urls[0];
  });
  return img;
}

function poll(id) {
  setTimeout(async () => {
    try {
      const photo = await api(`/v1/photos/${id}`);
      showCard(photo);
      if (photo.status !== 'processing') return;
    } catch {
      // media restarting under `make dev`: keep asking.
    }
    poll(id);
  }, POLL_MS);
}

// Detail --------------------------------------------------------------------

function currentDetailId() {
  return /^#\/photos\/([A-Za-z0-9_-]{22})$/.exec(location.hash)?.[1];
}

function route() {
  const id = currentDetailId();
  $('gallery-view').hidden = id !== undefined;
  $('detail-view').hidden = id === undefined;
  if (id) void showDetail(id);
}

async function showDetail(id) {
  const photo = await api(`/v1/photos/${id}`);
  const { original, master } = photo;
  $('detail-title').textContent = `Photo ${id}`;
  const rows = [
    ['Status', photo.status],
    ['Photographer', photo.photographer ?? '—'],
    [
      'Original',
      `${original.format}, ${original.width} × ${original.height}, ${formatBytes(original.bytes)}`,
    ],
    ['Uploaded', new Date(photo.createdAt).toLocaleString()],
    ['Updated', new Date(photo.updatedAt).toLocaleString()],
    [
      'Master',
      master ? `${master.format}, ${master.width} × ${master.height}, ${formatBytes(master.bytes)}` : '—',
    ],
    ...(photo.error ? [['Error', photo.error]] : []),
  ];
  $('detail-meta').replaceChildren(
    ...rows.flatMap(([k, v]) => [el('dt', { textContent: k }), el('dd', { textContent: v })]),
  );
  const ready = photo.status === 'ready';
  $('detail-render').replaceChildren(...(ready ? [await watermarkedRender(photo)] : []));
  $('detail-master').replaceChildren(...(ready && master ? storedFigure(id, 'master', master) : []));
  $('detail-sizes').replaceChildren(
    ...photo.conversions.map((c) => el('figure', {}, storedFigure(id, c.name, c))),
  );
}

/** The resizer's render at one CSS width, `dpr` 1–3: watermarked, as the site would show it. */
async function watermarkedRender(photo) {
  const paths = RENDER_DPRS.map((dpr) =>
    resizerPath(photo.id, dpr === 1 ? { w: RENDER_WIDTH } : { dpr, w: RENDER_WIDTH }),
  );
  const urls = await resizerUrls(paths);
  const height = Math.round((RENDER_WIDTH * photo.original.height) / photo.original.width);
  const img = el('img', { alt: `watermarked render of ${photo.id}`, width: RENDER_WIDTH, height });
  img.srcset = urls.map((url, i) => `${url} ${RENDER_DPRS[i]}x`).join(', ');
  img.src = urls[0];
  const caption = el('figcaption');
  img.addEventListener('load', () => {
    const dpr = new URL(img.currentSrc).searchParams.get('dpr') ?? 1;
    caption.textContent = `dpr=${dpr} for this screen (${devicePixelRatio}x): ${img.currentSrc}`;
  });
  return el('figure', {}, [img, caption]);
}

/** A stored rendition as the converter wrote it, at its own pixel size. */
function storedFigure(id, name, rendition) {
  const { format, width, height, bytes } = rendition;
  const img = el('img', { alt: `${name} of ${id}`, src: `/dev/api/photos/${id}/files/${name}` });
  img.dataset.name = name;
  // Device pixels, not CSS pixels: a 320 px thumbnail shows as 320 pixels.
  img.style.width = `${width / devicePixelRatio}px`;
  return [
    img,
    el('figcaption', { textContent: `${name}: ${format}, ${width} × ${height}, ${formatBytes(bytes)}` }),
  ];
}

// Start ---------------------------------------------------------------------

async function start() {
  $('upload').addEventListener('submit', (e) => void onSubmit(e));
  window.addEventListener('hashchange', route);
  const { photos } = await api('/dev/api/photos');
  for (const photo of photos) {
    showCard(photo);
    if (photo.status === 'processing') poll(photo.id);
  }
  $('empty').hidden = cards.size > 0;
  route();
  document.body.dataset.loaded = 'true';
}

void start();
