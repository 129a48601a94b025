import { select } from 'd3-selection';
import { zoom as d3zoom, zoomIdentity, type ZoomBehavior, type ZoomTransform } from 'd3-zoom';
import { axisTicks, formatTick } from './axis-ticks';
import { fromPlane, toPlane, type PlaneWindow, type Spacing } from './plane';

/** A point drawn on the plane, in latent coordinates (full vectors; the plane shows two dimensions). */
export interface Mark {
  z: ArrayLike<number>;
  label?: string;
}

export interface ScatterLayer {
  mean: Float32Array;
  dim: number;
  labels: Uint8Array;
  colors: string[];
  hidden: Set<number>;
}

const SVG = 'http://www.w3.org/2000/svg';
const MARGIN = { left: 46, bottom: 40, top: 8, right: 12 };

/**
 * The latent plane: the decoded grid underneath, the scatter of encoded data
 * over it, and pins, paths and markers on top, with z[dx] across and z[dy] up.
 * Zoom and pan (d3-zoom) move a view window over the plane; the grid bitmap is
 * stretched with a CSS transform while the gesture lasts and the owner
 * regenerates it for the new window when the gesture ends (`onViewSettled`).
 */
export class LatentPlane {
  readonly gridCanvas: HTMLCanvasElement;
  private readonly scatterCanvas: HTMLCanvasElement;
  private readonly overlayCanvas: HTMLCanvasElement;
  private readonly axes: SVGSVGElement;
  private readonly inner: HTMLDivElement;
  private readonly zoom: ZoomBehavior<HTMLCanvasElement, unknown>;
  private size = 600;
  private transform: ZoomTransform = zoomIdentity;
  private settleTimer?: number;

  spacing: Spacing = 'linear';
  dims: [number, number] = [0, 1];
  /** The window at zoom 1 (set from the grid range). */
  base: PlaneWindow = { x0: -2, x1: 2, y0: -2, y1: 2 };
  /** The window the grid bitmap currently shows. */
  gridWindow: PlaneWindow = { ...this.base };

  scatter?: ScatterLayer;
  pins: Mark[] = [];
  path: Mark[] = [];
  samples: Mark[] = [];
  drawn?: Mark;
  private cursor?: { x: number; y: number };

  onHover: (u: { x: number; y: number } | undefined) => void = () => {};
  onClick: (u: { x: number; y: number }, hitPin: number) => void = () => {};
  onViewSettled: () => void = () => {};
  onViewChange: () => void = () => {};

  constructor(host: HTMLElement) {
    host.classList.add('plane');
    this.axes = document.createElementNS(SVG, 'svg');
    this.axes.classList.add('plane-axes');
    this.inner = document.createElement('div');
    this.inner.className = 'plane-inner';
    this.gridCanvas = document.createElement('canvas');
    this.gridCanvas.id = 'grid-canvas';
    this.scatterCanvas = document.createElement('canvas');
    this.scatterCanvas.id = 'scatter-canvas';
    this.overlayCanvas = document.createElement('canvas');
    this.overlayCanvas.id = 'plane-overlay';
    this.inner.append(this.gridCanvas, this.scatterCanvas, this.overlayCanvas);
    host.append(this.axes, this.inner);
    this.inner.style.left = `${MARGIN.left}px`;
    this.inner.style.top = `${MARGIN.top}px`;

    this.zoom = d3zoom<HTMLCanvasElement, unknown>()
      .scaleExtent([0.2, 200])
      .on('zoom', (event: { transform: ZoomTransform }) => {
        this.transform = event.transform;
        this.viewChanged();
      });
    select(this.overlayCanvas).call(this.zoom).on('dblclick.zoom', null);

    this.overlayCanvas.addEventListener('pointermove', (event) => {
      const rect = this.overlayCanvas.getBoundingClientRect();
      this.cursor = { x: event.clientX - rect.left, y: event.clientY - rect.top };
      this.onHover(this.toPlaneXY(this.cursor.x, this.cursor.y));
      this.drawOverlay();
    });
    this.overlayCanvas.addEventListener('pointerleave', () => {
      this.cursor = undefined;
      this.onHover(undefined);
      this.drawOverlay();
    });
    this.overlayCanvas.addEventListener('click', (event) => {
      const rect = this.overlayCanvas.getBoundingClientRect();
      const x = event.clientX - rect.left;
      const y = event.clientY - rect.top;
      const hit = this.pins.findIndex((pin) => {
        const p = this.toPixels(pin.z);
        return Math.hypot(p.x - x, p.y - y) <= 9;
      });
      this.onClick(this.toPlaneXY(x, y), hit);
    });
  }

  /** Lays the plane out for a square of `size` CSS pixels. */
  resize(size: number): void {
    this.size = Math.max(240, Math.floor(size));
    const dpr = window.devicePixelRatio || 1;
    for (const canvas of [this.scatterCanvas, this.overlayCanvas]) {
      canvas.width = Math.round(this.size * dpr);
      canvas.height = Math.round(this.size * dpr);
      canvas.style.width = `${this.size}px`;
      canvas.style.height = `${this.size}px`;
    }
    this.inner.style.width = `${this.size}px`;
    this.inner.style.height = `${this.size}px`;
    const host = this.inner.parentElement!;
    host.style.width = `${this.size + MARGIN.left + MARGIN.right}px`;
    host.style.height = `${this.size + MARGIN.top + MARGIN.bottom}px`;
    this.axes.setAttribute('width', String(this.size + MARGIN.left + MARGIN.right));
    this.axes.setAttribute('height', String(this.size + MARGIN.top + MARGIN.bottom));
    this.redraw();
  }

  /** The visible window in plane coordinates. */
  get view(): PlaneWindow {
    const t = this.transform;
    const { x0, x1, y0, y1 } = this.base;
    const S = this.size;
    const ux = (px: number) => x0 + ((px - t.x) / t.k / S) * (x1 - x0);
    const uy = (py: number) => y1 - ((py - t.y) / t.k / S) * (y1 - y0);
    return { x0: ux(0), x1: ux(S), y0: uy(S), y1: uy(0) };
  }

  /** Sets the zoom-1 window and resets zoom/pan to it. */
  setBase(base: PlaneWindow): void {
    this.base = base;
    this.resetZoom();
  }

  resetZoom(): void {
    select(this.overlayCanvas).call(this.zoom.transform, zoomIdentity);
    this.transform = zoomIdentity;
    this.redraw();
  }

  /** Called by the owner when a fresh grid for `window` starts to be painted. */
  setGridWindow(window: PlaneWindow): void {
    this.gridWindow = window;
    this.placeGrid();
  }

  toPlaneXY(px: number, py: number): { x: number; y: number } {
    const v = this.view;
    return { x: v.x0 + (px / this.size) * (v.x1 - v.x0), y: v.y1 - (py / this.size) * (v.y1 - v.y0) };
  }

  /** Latent vector → CSS pixels on the plane (dimensions dx, dy). */
  toPixels(z: ArrayLike<number>): { x: number; y: number } {
    const v = this.view;
    const u = toPlane(z[this.dims[0]], this.spacing);
    const w = toPlane(z[this.dims[1]], this.spacing);
    return { x: ((u - v.x0) / (v.x1 - v.x0)) * this.size, y: ((v.y1 - w) / (v.y1 - v.y0)) * this.size };
  }

  /** Plane coordinates → latent values of the two shown dimensions. */
  toLatent(u: { x: number; y: number }): [number, number] {
    return [fromPlane(u.x, this.spacing), fromPlane(u.y, this.spacing)];
  }

  redraw(): void {
    this.placeGrid();
    this.drawAxes();
    this.drawScatter();
    this.drawOverlay();
  }

  private viewChanged(): void {
    this.redraw();
    this.onViewChange();
    window.clearTimeout(this.settleTimer);
    this.settleTimer = window.setTimeout(() => this.onViewSettled(), 140);
  }

  /** Stretches the grid bitmap (made for gridWindow) onto the current view. */
  private placeGrid(): void {
    const v = this.view;
    const g = this.gridWindow;
    const S = this.size;
    const left = ((g.x0 - v.x0) / (v.x1 - v.x0)) * S;
    const top = ((v.y1 - g.y1) / (v.y1 - v.y0)) * S;
    const width = ((g.x1 - g.x0) / (v.x1 - v.x0)) * S;
    const height = ((g.y1 - g.y0) / (v.y1 - v.y0)) * S;
    const style = this.gridCanvas.style;
    style.width = `${S}px`;
    style.height = `${S}px`;
    style.transform = `translate(${left}px, ${top}px) scale(${width / S}, ${height / S})`;
  }

  private drawAxes(): void {
    const S = this.size;
    const v = this.view;
    const parts: string[] = [];
    const x0 = MARGIN.left;
    const y0 = MARGIN.top + S;
    parts.push(`<rect class="frame" x="${x0}" y="${MARGIN.top}" width="${S}" height="${S}"/>`);
    for (const t of axisTicks(v.x0, v.x1, this.spacing, S)) {
      const x = x0 + t.at * S;
      parts.push(`<line class="tick" x1="${x}" x2="${x}" y1="${y0}" y2="${y0 + 5}"/>`);
      parts.push(`<text class="tick-label" x="${x}" y="${y0 + 17}" text-anchor="middle">${formatTick(t.value)}</text>`);
    }
    for (const t of axisTicks(v.y0, v.y1, this.spacing, S)) {
      const y = y0 - t.at * S;
      parts.push(`<line class="tick" x1="${x0 - 5}" x2="${x0}" y1="${y}" y2="${y}"/>`);
      parts.push(`<text class="tick-label" x="${x0 - 8}" y="${y + 4}" text-anchor="end">${formatTick(t.value)}</text>`);
    }
    parts.push(`<text class="axis-label" x="${x0 + S / 2}" y="${y0 + 34}" text-anchor="middle">z[${this.dims[0]}]</text>`);
    parts.push(
      `<text class="axis-label" transform="translate(13 ${MARGIN.top + S / 2}) rotate(-90)" text-anchor="middle">z[${this.dims[1]}]</text>`,
    );
    this.axes.innerHTML = parts.join('');
  }

  drawScatter(): void {
    const ctx = this.scatterCanvas.getContext('2d')!;
    const dpr = this.scatterCanvas.width / this.size;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, this.scatterCanvas.width, this.scatterCanvas.height);
    const s = this.scatter;
    if (!s) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    const v = this.view;
    const [dx, dy] = this.dims;
    const sx = this.size / (v.x1 - v.x0);
    const sy = this.size / (v.y1 - v.y0);
    const radius = s.labels.length > 4000 ? 1.7 : 2.4;
    // One path per class: thousands of arcs cost one fill each class, not one per point.
    for (let c = 0; c < s.colors.length; c++) {
      if (s.hidden.has(c)) continue;
      ctx.beginPath();
      for (let i = 0; i < s.labels.length; i++) {
        if (s.labels[i] !== c) continue;
        const x = (toPlane(s.mean[i * s.dim + dx], this.spacing) - v.x0) * sx;
        const y = (v.y1 - toPlane(s.mean[i * s.dim + dy], this.spacing)) * sy;
        if (x < -3 || y < -3 || x > this.size + 3 || y > this.size + 3) continue;
        ctx.moveTo(x + radius, y);
        ctx.arc(x, y, radius, 0, 2 * Math.PI);
      }
      ctx.fillStyle = s.colors[c];
      ctx.fill();
    }
  }

  drawOverlay(): void {
    const ctx = this.overlayCanvas.getContext('2d')!;
    const dpr = this.overlayCanvas.width / this.size;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, this.overlayCanvas.width, this.overlayCanvas.height);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);

    if (this.path.length > 1) {
      ctx.beginPath();
      this.path.forEach((m, i) => {
        const p = this.toPixels(m.z);
        if (i === 0) ctx.moveTo(p.x, p.y);
        else ctx.lineTo(p.x, p.y);
      });
      ctx.strokeStyle = 'rgba(255, 196, 0, 0.9)';
      ctx.lineWidth = 2;
      ctx.stroke();
      ctx.fillStyle = '#ffc400';
      for (const m of this.path) {
        const p = this.toPixels(m.z);
        ctx.beginPath();
        ctx.arc(p.x, p.y, 2.5, 0, 2 * Math.PI);
        ctx.fill();
      }
    }

    for (const m of this.samples) {
      const p = this.toPixels(m.z);
      ctx.beginPath();
      ctx.moveTo(p.x, p.y - 5);
      ctx.lineTo(p.x + 5, p.y);
      ctx.lineTo(p.x, p.y + 5);
      ctx.lineTo(p.x - 5, p.y);
      ctx.closePath();
      ctx.fillStyle = 'rgba(0, 229, 255, 0.85)';
      ctx.fill();
      ctx.strokeStyle = '#001018';
      ctx.lineWidth = 1;
      ctx.stroke();
    }

    this.pins.forEach((pin) => {
      const p = this.toPixels(pin.z);
      ctx.beginPath();
      ctx.arc(p.x, p.y, 8, 0, 2 * Math.PI);
      ctx.fillStyle = '#ffc400';
      ctx.fill();
      ctx.lineWidth = 2;
      ctx.strokeStyle = '#1b1300';
      ctx.stroke();
      ctx.fillStyle = '#1b1300';
      ctx.font = 'bold 11px system-ui, sans-serif';
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      ctx.fillText(pin.label ?? '', p.x, p.y + 0.5);
    });

    if (this.drawn) {
      const p = this.toPixels(this.drawn.z);
      ctx.beginPath();
      ctx.arc(p.x, p.y, 11, 0, 2 * Math.PI);
      ctx.lineWidth = 3;
      ctx.strokeStyle = '#ff4d8d';
      ctx.stroke();
      ctx.beginPath();
      ctx.arc(p.x, p.y, 3, 0, 2 * Math.PI);
      ctx.fillStyle = '#ff4d8d';
      ctx.fill();
    }

    if (this.cursor) {
      const { x, y } = this.cursor;
      ctx.strokeStyle = 'rgba(255, 255, 255, 0.55)';
      ctx.lineWidth = 1;
      ctx.setLineDash([4, 4]);
      ctx.beginPath();
      ctx.moveTo(0, y);
      ctx.lineTo(this.size, y);
      ctx.moveTo(x, 0);
      ctx.lineTo(x, this.size);
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.beginPath();
      ctx.arc(x, y, 6, 0, 2 * Math.PI);
      ctx.strokeStyle = '#ffffff';
      ctx.lineWidth = 1.5;
      ctx.stroke();
    }
  }
}
