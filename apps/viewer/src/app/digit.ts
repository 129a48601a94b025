/**
 * Turns a hand-drawn digit into what an MNIST model was trained on. MNIST's
 * digits were size-normalised to fit a 20×20 box (keeping the aspect ratio)
 * and then centred by centre of mass in a 28×28 field (LeCun et al., "The
 * MNIST database"); a raw downscale of the drawing sits off-centre and at the
 * wrong size, and its encoding lands far from the data.
 */
export function mnistStyle(
  ink: Float32Array,
  size: number,
  options: { out?: number; box?: number; threshold?: number } = {},
): Float32Array | null {
  const out = options.out ?? 28;
  const box = options.box ?? 20;
  const threshold = options.threshold ?? 0.05;
  let minX = size;
  let minY = size;
  let maxX = -1;
  let maxY = -1;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      if (ink[y * size + x] > threshold) {
        if (x < minX) minX = x;
        if (x > maxX) maxX = x;
        if (y < minY) minY = y;
        if (y > maxY) maxY = y;
      }
    }
  }
  if (maxX < 0) return null;
  const bw = maxX - minX + 1;
  const bh = maxY - minY + 1;
  const scale = box / Math.max(bw, bh);
  const tw = Math.max(1, Math.round(bw * scale));
  const th = Math.max(1, Math.round(bh * scale));
  // Area-average downsampling: each target pixel is the mean of the source area it covers.
  const small = new Float32Array(tw * th);
  for (let ty = 0; ty < th; ty++) {
    const sy0 = minY + (ty * bh) / th;
    const sy1 = minY + ((ty + 1) * bh) / th;
    for (let tx = 0; tx < tw; tx++) {
      const sx0 = minX + (tx * bw) / tw;
      const sx1 = minX + ((tx + 1) * bw) / tw;
      let sum = 0;
      let area = 0;
      for (let sy = Math.floor(sy0); sy < Math.ceil(sy1); sy++) {
        const wy = Math.min(sy + 1, sy1) - Math.max(sy, sy0);
        for (let sx = Math.floor(sx0); sx < Math.ceil(sx1); sx++) {
          const wx = Math.min(sx + 1, sx1) - Math.max(sx, sx0);
          sum += ink[sy * size + sx] * wx * wy;
          area += wx * wy;
        }
      }
      small[ty * tw + tx] = area > 0 ? Math.min(1, sum / area) : 0;
    }
  }
  let mass = 0;
  let cx = 0;
  let cy = 0;
  for (let y = 0; y < th; y++) {
    for (let x = 0; x < tw; x++) {
      const v = small[y * tw + x];
      mass += v;
      cx += v * (x + 0.5);
      cy += v * (y + 0.5);
    }
  }
  cx /= mass;
  cy /= mass;
  const left = Math.round(out / 2 - cx);
  const top = Math.round(out / 2 - cy);
  const result = new Float32Array(out * out);
  for (let y = 0; y < th; y++) {
    const oy = y + top;
    if (oy < 0 || oy >= out) continue;
    for (let x = 0; x < tw; x++) {
      const ox = x + left;
      if (ox < 0 || ox >= out) continue;
      result[oy * out + ox] = small[y * tw + x];
    }
  }
  return result;
}
