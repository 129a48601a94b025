/** Number and duration formatting shared by progress lines, info and eval. */

/** A loss value with 4 significant digits (163.2, 6.300, 0.09234); never exponent form for normal losses. */
export function formatLoss(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs >= 1e4) return value.toFixed(0);
  if (abs !== 0 && abs < 1e-3) return value.toExponential(2);
  return value.toPrecision(4);
}

/** `total 163.2 · reconstruction 156.9 · kl 6.300`, total first. */
export function formatTerms(terms: Record<string, number>, short = false): string {
  const keys = Object.keys(terms).sort((a, b) => (a === 'total' ? -1 : b === 'total' ? 1 : 0));
  return keys.map((k) => `${short ? abbreviate(k) : k} ${formatLoss(terms[k])}`).join(' · ');
}

function abbreviate(term: string): string {
  return term === 'reconstruction' ? 'rec' : term === 'total' ? 'loss' : term;
}

/** 75 → "1:15", 3725 → "1:02:05". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--:--';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${String(r).padStart(2, '0')}` : `${m}:${String(r).padStart(2, '0')}`;
}

/** 1234.5 → "1,235". */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}
