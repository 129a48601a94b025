/**
 * Latent means of labelled data, for the scatter: either precomputed by
 * `aekit train` into the run folder (latents.json) or encoded on the page.
 *
 * Accepted JSON (the names `aekit train` writes first; the others for
 * hand-made files): `{ mean | means | z | points: number[][] | number[],
 * labels | label | y?: number[], classes?: string[], latentDim?, split?, dataset? }`.
 * A flat `mean` needs `latentDim`.
 */
export interface LatentPoints {
  /** count × dim, row-major. */
  mean: Float32Array;
  count: number;
  dim: number;
  /** One class index per point, or all zeros when the data had no labels. */
  labels: Uint8Array;
  /** Class names indexed by label. */
  classes: string[];
  /** Where the points came from, for the legend ("mnist test, 10 000 points"). */
  source: string;
}

export function parseLatents(json: unknown, what = 'latents.json'): LatentPoints {
  if (typeof json !== 'object' || json === null) throw new Error(`${what}: expected a JSON object, found ${typeof json}`);
  const o = json as Record<string, unknown>;
  const rows = o.mean ?? o.means ?? o.z ?? o.points;
  if (!Array.isArray(rows)) throw new Error(`${what}: expected an array "mean" (one latent mean per image), found ${typeof rows}`);
  let dim: number;
  let mean: Float32Array;
  let count: number;
  if (rows.length > 0 && Array.isArray(rows[0])) {
    dim = (rows[0] as unknown[]).length;
    count = rows.length;
    mean = new Float32Array(count * dim);
    rows.forEach((row, i) => {
      if (!Array.isArray(row) || row.length !== dim) {
        throw new Error(`${what}: expected every mean to have ${dim} values, found ${Array.isArray(row) ? row.length : typeof row} at index ${i}`);
      }
      mean.set(row as number[], i * dim);
    });
  } else {
    dim = Number(o.latentDim ?? o.dim);
    if (!Number.isInteger(dim) || dim < 1) throw new Error(`${what}: a flat "mean" array needs "latentDim", found ${String(o.latentDim)}`);
    if (rows.length % dim !== 0) throw new Error(`${what}: expected a multiple of latentDim ${dim} values, found ${rows.length}`);
    mean = Float32Array.from(rows as number[]);
    count = rows.length / dim;
  }
  const rawLabels = o.labels ?? o.label ?? o.y;
  const labels = new Uint8Array(count);
  if (rawLabels !== undefined) {
    if (!Array.isArray(rawLabels) || rawLabels.length !== count) {
      throw new Error(`${what}: expected ${count} labels (one per mean), found ${Array.isArray(rawLabels) ? rawLabels.length : typeof rawLabels}`);
    }
    labels.set(rawLabels as number[]);
  }
  const maxLabel = labels.reduce((m, v) => Math.max(m, v), 0);
  const classes = Array.isArray(o.classes) ? (o.classes as unknown[]).map(String) : Array.from({ length: maxLabel + 1 }, (_, i) => String(i));
  const where = [o.dataset, o.split].filter((s) => typeof s === 'string').join(' ');
  return { mean, count, dim, labels, classes, source: `${where || what}, ${count.toLocaleString('en')} points` };
}
