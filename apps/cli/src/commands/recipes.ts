import type { CommandContext } from '../program.js';
import { RECIPE_NAMES, recipes as allRecipes, type PublishedFigure, type Recipe, type RecipeSource } from '@aekit/models';

/** The reference recipes with where they come from and the figure they published. */
export async function runRecipes({ out }: CommandContext): Promise<void> {
  const recipes: Recipe[] = RECIPE_NAMES.map((name) => allRecipes[name] as Recipe);
  const rows = recipes.map((r) => {
    const t = r.train;
    const data = t.range ? `${t.data} [${t.range[0]}, ${t.range[1]})` : t.data;
    return {
      name: r.name,
      training: `${r.title} · ${t.epochs} epochs · batch ${t.batchSize} · ${t.optimizer} ${t.learningRate} · ${data}`,
      source: sourceText(r.source),
      published: publishedText(r.published),
    };
  });
  const width = Math.max(...rows.map((r) => r.name.length));
  for (const r of rows) {
    out.line(`${r.name.padEnd(width)}  ${r.training}`);
    out.line(`${''.padEnd(width)}  source: ${r.source}`);
    if (r.published) out.line(`${''.padEnd(width)}  published: ${r.published}`);
  }
  out.line();
  out.line('Train one with: aekit train --recipe NAME --out runs/NAME');
  out.event('recipes', {
    recipes: recipes.map((r) => ({ name: r.name, title: r.title, source: r.source, published: r.published, train: r.train })),
  });
}

function sourceText(source: RecipeSource): string {
  const where = [source.notebook ? `notebook ${source.notebook}` : '', source.url ?? ''].filter(Boolean).join(', ');
  return `${source.title} (${source.framework})${where ? ` — ${where}` : ''}`;
}

/** "146.95 at epoch 30 (reconstruction 140.15 + kl 6.8): total loss per sample…" */
function publishedText(p: PublishedFigure): string {
  if (p.value === null) return `pictures only: ${p.metric}`;
  const at = p.epoch !== null ? ` at epoch ${p.epoch}` : '';
  const terms = p.terms ? ` (${Object.entries(p.terms).map(([k, v]) => `${k} ${v}`).join(', ')})` : '';
  const byEpoch = p.byEpoch ? `; by epoch ${Object.entries(p.byEpoch).map(([e, v]) => `${e}: ${v}`).join(', ')}` : '';
  return `${p.value}${at}${terms}, ${p.measure}: ${p.metric}${byEpoch}`;
}
