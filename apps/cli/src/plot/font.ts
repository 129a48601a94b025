import { GlobalFonts } from '@napi-rs/canvas';
import { createRequire } from 'node:module';

/**
 * Text needs a font that is there on every machine, with no system fonts and
 * no download: DejaVu Sans (matplotlib's default face) from the
 * `dejavu-fonts-ttf` npm package, registered once under its own family name.
 */
export const FONT_FAMILY = 'aekit DejaVu Sans';

let registered = false;

export function ensureFont(): string {
  if (registered) return FONT_FAMILY;
  const require = createRequire(import.meta.url);
  for (const file of ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf']) {
    const path = require.resolve(`dejavu-fonts-ttf/ttf/${file}`);
    const key = GlobalFonts.registerFromPath(path, FONT_FAMILY);
    if (!key) throw new Error(`font ${path}: could not be registered with the canvas (not a readable TrueType file?)`);
  }
  registered = true;
  return FONT_FAMILY;
}

/** A CSS font string in the registered family, e.g. font(14, 'bold'). */
export function font(px: number, weight: 'normal' | 'bold' = 'normal'): string {
  return `${weight === 'bold' ? 'bold ' : ''}${px}px "${ensureFont()}"`;
}
