/**
 * Principal component projection for the scatter of latents wider than 2-D
 * (issue 8: "PCA to 2-D otherwise, said in the title"). The covariance is
 * d×d with d the latent size (≤ a few hundred), so an exact symmetric
 * eigendecomposition (cyclic Jacobi) is cheap and needs no dependency.
 */
export interface Projection {
  /** n × k projected coordinates, row-major. */
  coords: Float64Array;
  components: number;
  /** Fraction of the total variance along each kept component. */
  explained: number[];
}

export function pcaProject(data: ArrayLike<number>, rows: number, dims: number, components = 2): Projection {
  if (data.length !== rows * dims) throw new RangeError(`pca: expected ${rows}×${dims} values, found ${data.length}`);
  if (components > dims) throw new RangeError(`pca: cannot keep ${components} components of ${dims}-D data`);
  const mean = new Float64Array(dims);
  for (let i = 0; i < rows; i++) for (let j = 0; j < dims; j++) mean[j] += data[i * dims + j];
  for (let j = 0; j < dims; j++) mean[j] /= Math.max(1, rows);

  const cov = new Float64Array(dims * dims);
  const centred = new Float64Array(dims);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < dims; j++) centred[j] = data[i * dims + j] - mean[j];
    for (let a = 0; a < dims; a++) {
      const ca = centred[a];
      for (let b = a; b < dims; b++) cov[a * dims + b] += ca * centred[b];
    }
  }
  for (let a = 0; a < dims; a++) {
    for (let b = a; b < dims; b++) {
      const v = cov[a * dims + b] / Math.max(1, rows - 1);
      cov[a * dims + b] = v;
      cov[b * dims + a] = v;
    }
  }

  const { values, vectors } = symmetricEigen(cov, dims);
  const order = [...values.keys()].sort((a, b) => values[b] - values[a]);
  const total = values.reduce((s, v) => s + Math.max(0, v), 0);
  const kept = order.slice(0, components);
  const basis = kept.map((k) => {
    const v = Array.from({ length: dims }, (_, r) => vectors[r * dims + k]);
    // Eigenvectors have no sign of their own: fix it (largest entry positive) so pictures are reproducible.
    let big = 0;
    for (const x of v) if (Math.abs(x) > Math.abs(big)) big = x;
    return big < 0 ? v.map((x) => -x) : v;
  });

  const coords = new Float64Array(rows * components);
  for (let i = 0; i < rows; i++) {
    for (let c = 0; c < components; c++) {
      let s = 0;
      for (let j = 0; j < dims; j++) s += (data[i * dims + j] - mean[j]) * basis[c][j];
      coords[i * components + c] = s;
    }
  }
  return { coords, components, explained: kept.map((k) => (total > 0 ? Math.max(0, values[k]) / total : 0)) };
}

/** Cyclic Jacobi rotations: eigenvalues and column eigenvectors of a symmetric n×n matrix. */
export function symmetricEigen(matrix: ArrayLike<number>, n: number): { values: number[]; vectors: Float64Array } {
  const a = Float64Array.from(matrix);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  let norm = 0;
  for (let i = 0; i < n * n; i++) norm += a[i] * a[i];
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p * n + q] ** 2;
    // Converged when the off-diagonal mass is negligible relative to the matrix (scale-free test).
    if (off <= 1e-26 * norm) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p];
          const akq = a[k * n + q];
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k];
          const aqk = a[q * n + k];
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p];
          const vkq = v[k * n + q];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  return { values: Array.from({ length: n }, (_, i) => a[i * n + i]), vectors: v };
}
