import { schemeTableau10 } from 'd3-scale-chromatic';
import type { RunStatus } from '../server/run-status';
import { COLORMAPS, colormapLut, paintImage, type ColormapName, type ImageStack } from './colormap';
import { mnistStyle } from './digit';
import { DrawPad } from './draw-pad';
import { showImages } from './image-view';
import { interpolate, type InterpolationMethod } from './interpolation';
import { LatentPlane, type Mark } from './latent-plane';
import { parseLatents, type LatentPoints } from './latents';
import { parseMetrics } from './metrics';
import { ModelClient, type GridChunk } from './model-client';
import { gridCenters, gridLatents, rangeWindow, type PlaneWindow, type Spacing } from './plane';
import { gaussianSamples } from './prior';
import type { ModelInfo } from './protocol';
import { el, renderRunPanel, type Manifest } from './run-panel';
import { encodeImages, fetchIdxPair, readUploadedIdx } from './scatter-source';
import './styles.css';

/** Grid decodes are split into this many batched calls, so hover can cut in between them. */
const GRID_CALLS = 6;
const PIN_LABELS = 'ABCDEFGH';

const $ = <T extends HTMLElement = HTMLElement>(id: string) => {
  const node = document.getElementById(id);
  if (!node) throw new Error(`viewer page: element #${id} is missing`);
  return node as T;
};
const pageUrl = (path: string) => new URL(path, location.href).href;
const runUrl = (path: string) => pageUrl(`run/${path.split('/').map(encodeURIComponent).join('/')}`);

/** What tests and the curious can read from the console: window.aekitViewer. */
const stats = {
  ready: false,
  error: undefined as string | undefined,
  info: undefined as ModelInfo | undefined,
  /** Milliseconds from grid request to its last chunk painted, per completed grid. */
  gridMs: [] as number[],
  /** Milliseconds from pointer event to the decoded image on screen. */
  hoverMs: [] as number[],
  /** Milliseconds of the decoder call alone for each hover. */
  hoverDecodeMs: [] as number[],
  gridsCompleted: 0,
  hoversDrawn: 0,
  interpolationsDrawn: 0,
  samplesDrawn: 0,
  encodings: 0,
  points: 0,
};
(window as unknown as { aekitViewer: unknown }).aekitViewer = { stats };

function fail(message: string): void {
  stats.error = message;
  const box = $('problem');
  box.hidden = false;
  box.replaceChildren(el('strong', '', 'The viewer cannot show this run. '), el('span', '', message));
  $('backend').textContent = 'stopped';
}

async function fetchJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: expected HTTP 200, found ${response.status} ${(await response.text()).trim()}`);
  return (await response.json()) as T;
}

async function main(): Promise<void> {
  const run = await fetchJson<RunStatus>(pageUrl('api/run'));
  document.title = `${run.name} · aekit viewer`;
  $('run-title').textContent = run.name;
  if (!run.ok) {
    fail(run.message ?? `${run.dir} has no model.`);
    return;
  }
  for (const warning of run.warnings) console.warn(`aekit viewer: ${warning}`);
  $('app').hidden = false;

  const manifest = run.files.manifest ? await fetchJson<Manifest>(runUrl(run.files.manifest)).catch(() => undefined) : undefined;
  const metricsText = run.files.metrics ? await fetch(runUrl(run.files.metrics)).then((r) => (r.ok ? r.text() : '')) : '';
  const metrics = metricsText ? parseMetrics(metricsText) : undefined;
  renderRunPanel($('run-panel'), { name: run.name, manifest, metrics, images: run.files.images, runUrl });
  const kind = typeof manifest?.kind === 'string' ? manifest.kind : undefined;
  if (kind) $('run-title').textContent = `${run.name} · ${kind}`;

  const client = new ModelClient();
  $('backend').textContent = 'loading model…';
  const info = await client.load({
    wasmPaths: pageUrl('wasm/'),
    decoderUrl: runUrl(run.files.decoder!),
    ...(run.files.encoder ? { encoderUrl: runUrl(run.files.encoder) } : {}),
    ...(imageShapeOf(manifest) ? { imageShape: imageShapeOf(manifest) } : {}),
    logits: decoderGivesLogits(manifest),
  });
  stats.info = info;
  const badge = $('backend');
  badge.textContent = `${info.backend.backend} · SIMD ${info.backend.simd ? 'on' : 'off'} · ${info.backend.threads} thread${info.backend.threads === 1 ? '' : 's'}`;
  badge.title = `${info.backendLine}\ncross-origin isolated: ${info.crossOriginIsolated}\nmodel loaded in ${info.loadMs.toFixed(0)} ms`;
  badge.dataset.backend = info.backend.backend;
  badge.classList.add(info.backend.backend === 'wasm' ? 'ok' : 'warn');
  $('run-title').textContent = `${run.name} · ${kind ?? 'model'} · latent ${info.latentDim}`;
  startViewer(run, info, client, kind);
}

function startViewer(run: RunStatus, info: ModelInfo, client: ModelClient, kind: string | undefined): void {
  const d = info.latentDim;
  const [h, w, c] = info.imageShape;
  const stack = (pixels: Float32Array, count: number): ImageStack => ({ pixels, count, height: h, width: w, channels: c });
  const base = new Float32Array(d);

  const settings = {
    n: 30,
    lo: -2,
    hi: 2,
    spacing: 'linear' as Spacing,
    colormap: 'gray' as ColormapName,
    method: 'slerp' as InterpolationMethod,
    steps: 10,
  };
  let lut = colormapLut(settings.colormap);

  const plane = new LatentPlane($('plane'));
  plane.dims = [0, Math.min(1, d - 1)];
  const layout = () => {
    // Beside the 430-px tool column when there is room (see styles.css), else the full width.
    const wide = window.innerWidth > 1100;
    const width = window.innerWidth - (wide ? 430 + 16 : 0) - 40 - 34 - 58;
    const height = window.innerHeight - 200;
    plane.resize(Math.max(300, Math.min(width, wide ? height : width, 920)));
  };
  layout();
  window.addEventListener('resize', () => {
    layout();
    generateGrid(false);
  });

  // ---- the grid -------------------------------------------------------------------------------
  const gridCanvas = plane.gridCanvas;
  const gridCtx = gridCanvas.getContext('2d')!;
  let grid: { n: number; window: PlaneWindow; pixels: Float32Array; received: number; started: number; rows: Uint8Array } | undefined;

  function generateGrid(fresh: boolean): void {
    const n = settings.n;
    const window = plane.view;
    const size = n * w;
    if (gridCanvas.width !== size || gridCanvas.height !== n * h || fresh || !grid) {
      gridCanvas.width = size;
      gridCanvas.height = n * h;
      gridCtx.fillStyle = '#000';
      gridCtx.fillRect(0, 0, size, n * h);
    } else {
      // Keep showing the old grid, moved to where it belongs in the new window, until new rows replace it.
      const copy = document.createElement('canvas');
      copy.width = gridCanvas.width;
      copy.height = gridCanvas.height;
      copy.getContext('2d')!.drawImage(gridCanvas, 0, 0);
      const o = grid.window;
      const G = gridCanvas.width;
      gridCtx.fillStyle = '#000';
      gridCtx.fillRect(0, 0, G, gridCanvas.height);
      gridCtx.imageSmoothingEnabled = true;
      gridCtx.drawImage(
        copy,
        ((o.x0 - window.x0) / (window.x1 - window.x0)) * G,
        ((window.y1 - o.y1) / (window.y1 - window.y0)) * gridCanvas.height,
        ((o.x1 - o.x0) / (window.x1 - window.x0)) * G,
        ((o.y1 - o.y0) / (window.y1 - window.y0)) * gridCanvas.height,
      );
    }
    plane.setGridWindow(window);
    const z = gridLatents(gridCenters(window, n, settings.spacing), base, plane.dims);
    grid = { n, window, pixels: new Float32Array(n * n * h * w * c), received: 0, started: performance.now(), rows: new Uint8Array(n) };
    const current = grid;
    const rowsPerCall = Math.ceil(n / GRID_CALLS);
    client.grid(z, n * n, rowsPerCall * n, (chunk) => paintChunk(current, chunk), (error) => setStatus(`grid failed: ${error.message}`));
  }

  function paintChunk(target: NonNullable<typeof grid>, chunk: GridChunk): void {
    if (target !== grid) return;
    const { n } = target;
    target.pixels.set(chunk.pixels, chunk.start * h * w * c);
    target.received += chunk.count;
    const firstRow = chunk.start / n;
    const rows = chunk.count / n;
    for (let r = firstRow; r < firstRow + rows; r++) target.rows[r] = 1;
    paintRows(target, firstRow, rows);
    if (target.received === n * n) {
      const ms = performance.now() - target.started;
      stats.gridMs.push(ms);
      stats.gridsCompleted++;
      gridStatus = `grid ${n}×${n} in ${ms.toFixed(0)} ms`;
      renderStatus();
    }
  }

  function paintRows(target: NonNullable<typeof grid>, firstRow: number, rows: number): void {
    const { n } = target;
    const image = gridCtx.createImageData(n * w, rows * h);
    const s = stack(target.pixels.subarray(firstRow * n * h * w * c, (firstRow + rows) * n * h * w * c), rows * n);
    for (let i = 0; i < rows * n; i++) paintImage(s, i, lut, image.data, n * w, (i % n) * w, Math.floor(i / n) * h);
    gridCtx.putImageData(image, 0, firstRow * h);
  }

  function repaintGrid(): void {
    if (!grid) return;
    for (let r = 0; r < grid.n; r++) if (grid.rows[r]) paintRows(grid, r, 1);
  }

  function resetGrid(): void {
    plane.spacing = settings.spacing;
    plane.setBase(rangeWindow(settings.lo, settings.hi, settings.n, settings.spacing));
    generateGrid(true);
  }

  plane.onViewSettled = () => generateGrid(false);

  // ---- status line ----------------------------------------------------------------------------
  let gridStatus = '';
  let hoverStatus = '';
  function renderStatus(): void {
    $('status').textContent = [gridStatus, hoverStatus].filter(Boolean).join(' · ');
  }
  function setStatus(text: string): void {
    gridStatus = text;
    renderStatus();
  }

  // ---- hover ----------------------------------------------------------------------------------
  const hoverCanvas = $<HTMLCanvasElement>('hover-canvas');
  hoverCanvas.width = w;
  hoverCanvas.height = h;
  let hoverPoint: { x: number; y: number } | undefined;
  let hoverAt = 0;
  let hoverFrame = 0;
  let lastHover: Float32Array | undefined;

  function latentAt(u: { x: number; y: number }): Float32Array {
    const z = base.slice();
    const [zx, zy] = plane.toLatent(u);
    z[plane.dims[0]] = zx;
    z[plane.dims[1]] = zy;
    return z;
  }

  function requestHover(): void {
    if (hoverFrame || !hoverPoint) return;
    hoverFrame = requestAnimationFrame(() => {
      hoverFrame = 0;
      if (!hoverPoint) return;
      const z = latentAt(hoverPoint);
      $('hover-z').textContent = formatZ(z);
      const since = hoverAt;
      client.hover(z.slice()).then((result) => {
        if (!result) return;
        lastHover = result.pixels;
        showImages(hoverCanvas, stack(result.pixels, 1), lut);
        const ms = performance.now() - since;
        stats.hoverMs.push(ms);
        stats.hoverDecodeMs.push(result.ms);
        stats.hoversDrawn++;
        hoverStatus = `hover ${ms.toFixed(0)} ms (decode ${result.ms.toFixed(1)} ms)`;
        $('hover-ms').textContent = `decoded in ${result.ms.toFixed(1)} ms · on screen ${ms.toFixed(0)} ms after the pointer moved`;
        renderStatus();
      });
    });
  }
  plane.onHover = (u) => {
    hoverPoint = u;
    hoverAt = performance.now();
    requestHover();
  };

  // ---- pins and interpolation -----------------------------------------------------------------
  const pins: Float32Array[] = [];
  const stripCanvas = $<HTMLCanvasElement>('strip-canvas');
  let strip: Float32Array | undefined;
  let stripCount = 0;
  let interpolationToken = 0;

  plane.onClick = (u, hit) => {
    if (hit >= 0) pins.splice(hit, 1);
    else {
      if (pins.length >= PIN_LABELS.length) pins.shift();
      pins.push(latentAt(u));
    }
    updateInterpolation();
  };

  async function updateInterpolation(): Promise<void> {
    plane.pins = pins.map((z, i): Mark => ({ z, label: PIN_LABELS[i] }));
    const token = ++interpolationToken;
    if (pins.length < 2) {
      plane.path = [];
      plane.drawOverlay();
      stripCanvas.width = 0;
      stripCanvas.height = 0;
      strip = undefined;
      $('interp-note').textContent = pins.length === 1 ? 'Pin A is set: click a second point.' : 'Click two points on the plane.';
      return;
    }
    const steps = settings.steps;
    const parts: Float32Array[] = [];
    for (let i = 0; i + 1 < pins.length; i++) {
      const segment = interpolate(pins[i], pins[i + 1], steps, settings.method);
      parts.push(i === 0 ? segment : segment.subarray(d)); // segments share their end points
    }
    const path = concat(parts);
    const count = path.length / d;
    plane.path = Array.from({ length: count }, (_, i): Mark => ({ z: path.subarray(i * d, (i + 1) * d) }));
    plane.drawOverlay();
    const pixels = await client.decode(path.slice(), count);
    if (token !== interpolationToken) return;
    strip = pixels;
    stripCount = count;
    showImages(stripCanvas, stack(pixels, count), lut, { columns: Math.min(count, steps), gap: 1 });
    stats.interpolationsDrawn++;
    $('interp-note').textContent = `${pins.map((_, i) => PIN_LABELS[i]).join(' → ')} · ${settings.method} · ${count} images`;
  }

  // ---- sampling -------------------------------------------------------------------------------
  let sampleSeed = 1;
  let samples: Float32Array | undefined;
  const sampleCanvas = $<HTMLCanvasElement>('sample-canvas');
  if (kind && !/vae|variational/i.test(kind)) {
    $('sample-note').textContent = `This is a ${kind}, not a VAE: nothing trained its codes towards N(0, I), so samples may not look like data.`;
  }
  $('sample').addEventListener('click', async () => {
    const z = gaussianSamples(16, d, sampleSeed++);
    plane.samples = Array.from({ length: 16 }, (_, i): Mark => ({ z: z.subarray(i * d, (i + 1) * d) }));
    plane.drawOverlay();
    samples = await client.decode(z.slice(), 16);
    showImages(sampleCanvas, stack(samples, 16), lut, { columns: 8, gap: 1 });
    stats.samplesDrawn++;
  });
  $('clear-samples').addEventListener('click', () => {
    samples = undefined;
    plane.samples = [];
    plane.drawOverlay();
    sampleCanvas.width = 0;
    sampleCanvas.height = 0;
  });

  // ---- draw a digit ---------------------------------------------------------------------------
  const drawInput = $<HTMLCanvasElement>('draw-input');
  const drawRecon = $<HTMLCanvasElement>('draw-recon');
  let drawnInput: Float32Array | undefined;
  let drawnRecon: Float32Array | undefined;
  let encoding = false;
  let encodeAgain = false;
  const pad = new DrawPad($<HTMLCanvasElement>('draw-canvas'), () => void encodeDrawing());
  if (!info.encoder) {
    $('draw-z').textContent = 'This run has no encoder/model.json, so drawings cannot be encoded.';
  }

  async function encodeDrawing(): Promise<void> {
    if (!info.encoder || !pad.hasInk) return;
    if (encoding) {
      encodeAgain = true; // one encode in flight; the latest drawing goes next
      return;
    }
    encoding = true;
    try {
      const x = modelInput(pad.ink(), pad.canvas.width);
      if (!x) return;
      drawnInput = x.slice();
      showImages(drawInput, stack(drawnInput, 1), lut);
      const reply = await client.encode(x, 1, true);
      drawnRecon = reply.reconstruction!;
      showImages(drawRecon, stack(drawnRecon, 1), lut);
      plane.drawn = { z: reply.mean };
      plane.drawOverlay();
      $('draw-z').textContent = `encoded: ${formatZ(reply.mean)}`;
      $('draw-z').classList.remove('muted');
      stats.encodings++;
    } finally {
      encoding = false;
      if (encodeAgain) {
        encodeAgain = false;
        void encodeDrawing();
      }
    }
  }

  /** The drawing as the encoder's input: MNIST-style size and centring, at the model's resolution. */
  function modelInput(ink: Float32Array, size: number): Float32Array | null {
    const digit = mnistStyle(ink, size, { out: h, box: Math.round((h * 20) / 28) });
    if (!digit) return null;
    if (c === 1) return digit;
    const x = new Float32Array(h * w * c);
    for (let i = 0; i < h * w; i++) for (let k = 0; k < c; k++) x[i * c + k] = digit[i];
    return x;
  }

  $('clear-draw').addEventListener('click', () => {
    pad.clear();
    plane.drawn = undefined;
    plane.drawOverlay();
    drawnInput = drawnRecon = undefined;
    for (const canvas of [drawInput, drawRecon]) canvas.getContext('2d')!.clearRect(0, 0, canvas.width, canvas.height);
    $('draw-z').textContent = 'Draw in the black square: its encoding appears on the plane (pink ring).';
    $('draw-z').classList.add('muted');
  });

  // ---- latent size > 2: which two dimensions, sliders for the rest ----------------------------
  if (d > 2) setupDimensions();
  function setupDimensions(): void {
    $('dims-card').hidden = false;
    const dimX = $<HTMLSelectElement>('dim-x');
    const dimY = $<HTMLSelectElement>('dim-y');
    for (let i = 0; i < d; i++) {
      dimX.append(new Option(`z[${i}]`, String(i)));
      dimY.append(new Option(`z[${i}]`, String(i)));
    }
    dimX.value = '0';
    dimY.value = '1';
    const sliders = $('sliders');
    const inputs: HTMLInputElement[] = [];
    const outputs: HTMLElement[] = [];
    let frame = 0;
    for (let i = 0; i < d; i++) {
      const row = el('label', 'slider');
      const input = document.createElement('input');
      input.type = 'range';
      input.min = '-3';
      input.max = '3';
      input.step = '0.01';
      input.value = '0';
      input.dataset.dim = String(i);
      const value = el('span', 'mono slider-value', '0.00');
      row.append(el('span', 'mono slider-name', `z[${i}]`), input, value);
      input.addEventListener('input', () => {
        base[i] = Number(input.value);
        value.textContent = base[i].toFixed(2);
        if (!frame) {
          frame = requestAnimationFrame(() => {
            frame = 0;
            generateGrid(false);
            requestHover();
          });
        }
      });
      inputs.push(input);
      outputs.push(value);
      sliders.append(row);
    }
    const showSliders = () => {
      inputs.forEach((input, i) => {
        input.parentElement!.hidden = plane.dims.includes(i);
      });
    };
    const changeDims = () => {
      const x = Number(dimX.value);
      const y = Number(dimY.value);
      if (x === y) {
        // Picking the other axis's dimension swaps the two.
        if (plane.dims[0] === x) dimX.value = String(plane.dims[1]);
        else dimY.value = String(plane.dims[0]);
      }
      plane.dims = [Number(dimX.value), Number(dimY.value)];
      showSliders();
      plane.redraw();
      generateGrid(true);
    };
    dimX.addEventListener('change', changeDims);
    dimY.addEventListener('change', changeDims);
    $('reset-sliders').addEventListener('click', () => {
      base.fill(0);
      inputs.forEach((input, i) => {
        input.value = '0';
        outputs[i].textContent = '0.00';
      });
      generateGrid(false);
    });
    showSliders();
  }

  // ---- scatter of encoded data ----------------------------------------------------------------
  const hidden = new Set<number>();
  function setPoints(p: LatentPoints): void {
    if (p.dim !== d) throw new Error(`latent points have ${p.dim} dimensions, but the model's latent size is ${d}`);
    stats.points = p.count;
    const colors = p.classes.map((_, i) => schemeTableau10[i % schemeTableau10.length]);
    plane.scatter = { mean: p.mean, dim: p.dim, labels: p.labels, colors, hidden };
    plane.drawScatter();
    $('points-source').textContent = p.source;
    $('points-toggle').hidden = false;
    const show = $<HTMLInputElement>('show-points');
    show.checked = true;
    $<HTMLInputElement>('grid-opacity').value = '0.55';
    applyLayers();
    const legend = $('legend');
    legend.replaceChildren();
    p.classes.forEach((name, i) => {
      const chip = el('button', 'chip') as HTMLButtonElement;
      chip.type = 'button';
      chip.style.setProperty('--c', colors[i]);
      chip.append(el('span', 'dot'), el('span', '', name));
      chip.title = `show or hide class ${name}`;
      chip.addEventListener('click', () => {
        if (hidden.has(i)) hidden.delete(i);
        else hidden.add(i);
        chip.classList.toggle('off', hidden.has(i));
        plane.drawScatter();
      });
      legend.append(chip);
    });
  }

  async function loadPoints(): Promise<void> {
    const note = $('points-source');
    try {
      if (run.files.latents) {
        note.textContent = `reading ${run.files.latents}…`;
        setPoints(parseLatents(await fetchJson(runUrl(run.files.latents)), run.files.latents));
        return;
      }
      const data = run.files.data[0];
      if (data && info.encoder) {
        note.textContent = `encoding ${data.images}…`;
        const [images, labels] = await fetchIdxPair(runUrl(data.images), data.labels ? runUrl(data.labels) : undefined);
        setPoints(await encodeImages(client, images, labels, info.encoder.inputShape, (done, total) => (note.textContent = `encoding ${done} / ${total}…`)));
        return;
      }
      note.textContent = info.encoder
        ? 'No latents.json in the run folder: encode IDX images to plot their latent means.'
        : 'No latents.json and no encoder: no points to plot.';
    } catch (error) {
      note.textContent = (error as Error).message;
      note.classList.add('error');
    }
  }
  const upload = $<HTMLInputElement>('upload');
  if (!info.encoder) upload.disabled = true;
  upload.addEventListener('change', async () => {
    const files = Array.from(upload.files ?? []);
    if (files.length === 0 || !info.encoder) return;
    const note = $('points-source');
    note.classList.remove('error');
    try {
      const [images, labels] = await readUploadedIdx(files);
      setPoints(await encodeImages(client, images, labels, info.encoder.inputShape, (done, total) => (note.textContent = `encoding ${done} / ${total}…`)));
    } catch (error) {
      note.textContent = (error as Error).message;
      note.classList.add('error');
    }
    upload.value = '';
  });

  // ---- controls -------------------------------------------------------------------------------
  const nInput = $<HTMLInputElement>('grid-n');
  const loInput = $<HTMLInputElement>('range-lo');
  const hiInput = $<HTMLInputElement>('range-hi');
  const readGridControls = () => {
    const n = Math.round(Number(nInput.value));
    const lo = Number(loInput.value);
    const hi = Number(hiInput.value);
    const valid = n >= 2 && n <= 80 && Number.isFinite(lo) && Number.isFinite(hi) && hi > lo;
    for (const input of [nInput, loInput, hiInput]) input.classList.toggle('invalid', !valid);
    if (!valid) return;
    settings.n = n;
    settings.lo = lo;
    settings.hi = hi;
    resetGrid();
  };
  for (const input of [nInput, loInput, hiInput]) input.addEventListener('change', readGridControls);
  $<HTMLSelectElement>('spacing').addEventListener('change', (e) => {
    settings.spacing = (e.target as HTMLSelectElement).value as Spacing;
    resetGrid();
  });
  const cmap = $<HTMLSelectElement>('colormap');
  for (const name of Object.keys(COLORMAPS)) cmap.append(new Option(name === 'gray' ? 'gray (Greys_r)' : name, name));
  cmap.value = settings.colormap;
  if (c !== 1) cmap.disabled = true; // RGB decodes are shown as they are
  cmap.addEventListener('change', () => {
    settings.colormap = cmap.value as ColormapName;
    lut = colormapLut(settings.colormap);
    repaintGrid();
    if (lastHover) showImages(hoverCanvas, stack(lastHover, 1), lut);
    if (strip) showImages(stripCanvas, stack(strip, stripCount), lut, { columns: Math.min(stripCount, settings.steps), gap: 1 });
    if (samples) showImages(sampleCanvas, stack(samples, 16), lut, { columns: 8, gap: 1 });
    if (drawnInput) showImages(drawInput, stack(drawnInput, 1), lut);
    if (drawnRecon) showImages(drawRecon, stack(drawnRecon, 1), lut);
  });
  const applyLayers = () => {
    gridCanvas.style.opacity = $<HTMLInputElement>('grid-opacity').value;
    const scatterCanvas = document.getElementById('scatter-canvas')!;
    scatterCanvas.style.visibility = $<HTMLInputElement>('show-points').checked ? 'visible' : 'hidden';
  };
  $('grid-opacity').addEventListener('input', applyLayers);
  $('show-points').addEventListener('change', applyLayers);
  $('reset-view').addEventListener('click', () => {
    plane.resetZoom();
    generateGrid(false);
  });
  $<HTMLSelectElement>('interp-method').addEventListener('change', (e) => {
    settings.method = (e.target as HTMLSelectElement).value as InterpolationMethod;
    void updateInterpolation();
  });
  $<HTMLInputElement>('interp-steps').addEventListener('change', (e) => {
    const steps = Math.round(Number((e.target as HTMLInputElement).value));
    if (steps >= 3 && steps <= 24) settings.steps = steps;
    void updateInterpolation();
  });
  $('clear-pins').addEventListener('click', () => {
    pins.length = 0;
    void updateInterpolation();
  });

  resetGrid();
  // Fill the decoder panel with the plane's centre until the pointer arrives.
  void client.hover(base.slice()).then((r) => r && showImages(hoverCanvas, stack((lastHover = r.pixels), 1), lut));
  void loadPoints();
  stats.ready = true;
}

function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

function formatZ(z: ArrayLike<number>): string {
  const values = Array.from(z, (v) => (v >= 0 ? ' ' : '') + v.toFixed(2));
  return values.length > 8 ? `[${values.slice(0, 8).join(', ')}, … ${values.length - 8} more]` : `[${values.join(', ')}]`;
}

/** The per-image shape recorded in aekit.json, if any, to show a dense decoder's flat output as an image. */
function imageShapeOf(manifest: Manifest | undefined): number[] | undefined {
  const config = manifest?.config as Record<string, unknown> | undefined;
  const shape = manifest?.inputShape ?? config?.inputShape;
  return Array.isArray(shape) && shape.every((v) => typeof v === 'number') ? (shape as number[]) : undefined;
}

/** A BCE reconstruction loss with fromLogits means the decoder's last layer is linear: show sigmoid(output). */
function decoderGivesLogits(manifest: Manifest | undefined): boolean {
  const text = JSON.stringify(manifest?.config ?? {});
  return /"fromLogits"\s*:\s*true/.test(text);
}

main().catch((error: unknown) => {
  console.error(error);
  fail((error as Error).message);
});
