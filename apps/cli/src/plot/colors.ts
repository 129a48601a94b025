/** matplotlib's tab10, the default colour cycle: the scatter in notebook 002 is drawn with it. */
export const TAB10 = [
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#d62728',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
  '#bcbd22',
  '#17becf',
] as const;

/** Colour of class `label` (cycles past 10 classes). */
export function classColor(label: number): string {
  return TAB10[((label % TAB10.length) + TAB10.length) % TAB10.length];
}

/** '#rrggbb' + alpha → 'rgba(r, g, b, a)'. */
export function withAlpha(hex: string, alpha: number): string {
  const n = Number.parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}
