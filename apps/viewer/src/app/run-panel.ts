import { formatLoss, isValidation, lossChart, seriesColors } from './loss-chart';
import type { MetricsSummary } from './metrics';

/** aekit.json as far as the viewer reads it; everything else is shown as it is. */
export type Manifest = Record<string, unknown>;

export interface RunPanelData {
  name: string;
  manifest?: Manifest;
  metrics?: MetricsSummary;
  images: string[];
  runUrl: (path: string) => string;
}

/** The run panel: what was trained, how long, how it ended, the loss curves and the run's pictures. */
export function renderRunPanel(host: HTMLElement, data: RunPanelData): void {
  const { manifest, metrics } = data;
  host.replaceChildren();
  const facts: [string, string][] = [];
  const config = isObject(manifest?.config) ? manifest.config : undefined;
  const provenance = isObject(manifest?.provenance) ? manifest.provenance : undefined;
  const pick = (...keys: string[]) => {
    for (const source of [manifest, config, provenance]) {
      for (const key of keys) {
        const v = source?.[key];
        if (v !== undefined && v !== null && (typeof v !== 'object' || Array.isArray(v))) return v;
      }
    }
    return undefined;
  };
  const add = (label: string, value: unknown) => {
    if (value === undefined) return;
    facts.push([label, Array.isArray(value) ? `[${value.join(', ')}]` : String(value)]);
  };
  add('recipe', pick('recipe', 'name', 'model'));
  add('kind', pick('kind'));
  add('latent size', pick('latentDim', 'latentSize', 'latent_dim'));
  add('input shape', pick('inputShape'));
  if (metrics && metrics.epochs.length > 0) add('epochs', metrics.epochs[metrics.epochs.length - 1]);
  else add('epochs', pick('epochs'));
  add('dataset', pick('dataset', 'data'));
  add('seed', pick('seed'));
  if (metrics?.seconds !== undefined) add('training time', formatSeconds(metrics.seconds));
  if (metrics?.learningRate !== undefined) add('final learning rate', metrics.learningRate.toExponential(2));
  add('created', pick('createdAt', 'created', 'date'));
  add('aekit', pick('aekitVersion', 'version'));
  add('trained on', pick('backend'));

  const dl = el('dl', 'facts');
  for (const [k, v] of facts) dl.append(el('dt', '', k), el('dd', 'mono', v));
  host.append(dl);

  if (metrics && metrics.series.length > 0) {
    const colors = seriesColors(metrics.series.map((s) => s.name));
    const finals = el('div', 'finals');
    for (const s of metrics.series) {
      if (metrics.final[s.name] === undefined) continue;
      const chip = el('div', 'final');
      const swatch = el('span', `swatch${isValidation(s.name) ? ' dashed' : ''}`);
      swatch.style.setProperty('--c', colors.get(s.name)!);
      chip.append(swatch, el('span', 'final-name', s.name), el('span', 'final-value mono', formatLoss(metrics.final[s.name])));
      finals.append(chip);
    }
    const chartBox = el('div', 'chart');
    chartBox.append(lossChart(metrics));
    host.append(el('h3', '', 'Final losses'), finals, el('h3', '', 'Loss per epoch'), chartBox);
  } else {
    host.append(el('p', 'muted', 'No metrics.jsonl in this run folder: no loss curves to show.'));
  }

  if (data.images.length > 0) {
    const gallery = el('div', 'gallery');
    for (const image of data.images) {
      const a = el('a', 'thumb') as HTMLAnchorElement;
      a.href = data.runUrl(image);
      a.target = '_blank';
      a.rel = 'noopener';
      const img = el('img') as HTMLImageElement;
      img.src = data.runUrl(image);
      img.alt = image;
      img.loading = 'lazy';
      a.append(img, el('span', 'thumb-name', image.replace(/^images\//, '')));
      gallery.append(a);
    }
    host.append(el('h3', '', 'Pictures written by the run'), gallery);
  }

  if (manifest) {
    const details = el('details', 'config');
    details.append(el('summary', '', 'aekit.json'), el('pre', 'mono', JSON.stringify(manifest, null, 2)));
    host.append(details);
  }
}

function formatSeconds(s: number): string {
  if (s < 90) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  return m < 90 ? `${m} min ${Math.round(s - m * 60)} s` : `${(s / 3600).toFixed(1)} h`;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function el(tag: string, className = '', text?: string): HTMLElement {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}
