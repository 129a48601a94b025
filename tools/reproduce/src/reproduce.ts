import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { describeBackend, initBackend } from '@aekit/backend';
import { take } from '@aekit/datasets';
import { getRecipe, type Recipe } from '@aekit/models';
import { checkpoint, progress, recipeTrainOptions, train, type EpochRecord, type TrainResult } from '@aekit/trainers';

import { aekitVersion, describeMachine, machineInfo } from './machine';
import { compareFigure, measureFigure, type Comparison, type MeasuredFigure } from './measure';
import { drawPictures, type Picture } from './pictures';
import { QUICK_PICTURE_IMAGES, recipeData } from './recipe-data';
import { formatDuration, formatNumber, formatPercent, upsertReproduction, type ReproductionRow } from './table';

/** The seed of every reproduction: model initialisers, shuffles and VAE ε all derive from it. */
export const REPRODUCE_SEED = 1;

export interface ReproduceOptions {
  /** CI size: the first few hundred training images, one epoch, the same code path. */
  quick?: boolean;
  /** Continue from the run folder's checkpoint (after an interrupted or stopped run). */
  resume?: boolean;
  /** Discard an existing checkpoint and start over. */
  fresh?: boolean;
  /** The Markdown file the row goes into. Default `<repo>/docs/REPRODUCTION.md` (a temp folder with `quick`). */
  out?: string;
  /** Where pictures go. Default `images/` beside `out`. */
  imagesDir?: string;
  /** Run folder (checkpoints, the trained model, result.json). Default `<repo>/runs/reproduce/<recipe>`. */
  runDir?: string;
  /** Default {@link REPRODUCE_SEED}. */
  seed?: number;
  /** Stops after the current batch; the checkpoint is kept and the row records a partial, resumable run. */
  signal?: AbortSignal;
  /** Where progress lines go. Default: stdout. */
  log?: (line: string) => void;
  /** The command recorded in the row. Default `npm run reproduce -- <recipe>`. */
  command?: string;
}

export interface Reproduction {
  recipe: string;
  status: 'complete' | 'partial';
  /** aekit's figure, measured as the source measured its own (null when not even one epoch finished). */
  figure: MeasuredFigure | null;
  /** Against the source's number, when it published one. */
  comparison: Comparison | null;
  history: EpochRecord[];
  stop: TrainResult['stop'];
  pictures: Picture[];
  row: ReproductionRow;
  /** Training + validation wall time summed over all sessions of the run. */
  wallSeconds: number;
  samplesPerSecond: number;
  out: string;
  runDir: string;
}

/**
 * Trains a recipe exactly as its source did (its epochs, batch size, optimizer
 * and data, fixed seed) through `train()`, with a checkpoint every epoch in the
 * run folder so a long run resumes across sessions; measures aekit's figure as
 * the source measured its own; draws the source's pictures; and writes the
 * recipe's row (and details) into docs/REPRODUCTION.md.
 *
 * ```ts
 * const r = await reproduce('denseVae');               // 20 epochs, ~15 min on one core
 * console.log(r.figure?.value, r.comparison?.within);   // 102.7, true
 * ```
 */
export async function reproduce(recipeName: string, options: ReproduceOptions = {}): Promise<Reproduction> {
  const recipe = getRecipe(recipeName) as Recipe;
  const log = options.log ?? ((line: string) => console.log(line));
  const seed = options.seed ?? REPRODUCE_SEED;
  const paths = resolvePaths(recipe.name, options);
  const backend = await initBackend();
  log(`${recipe.name}: ${recipe.title}${options.quick ? ' [quick]' : ''} · ${describeBackend(backend)}`);

  const checkpoints = join(paths.runDir, 'checkpoints');
  const resumeFrom = prepareCheckpoints(checkpoints, recipe.name, options, log);
  const data = await recipeData(recipe.train, { quick: options.quick });
  const base = recipeTrainOptions(recipe.train);
  const epochs = options.quick ? 1 : base.epochs;

  // Which code trained it: recorded when a run starts, so a row written after a resume
  // (or a re-render of a finished run) still names the commit the training began on.
  const startedWith = recordStart(paths.runDir, resumeFrom !== undefined);

  // The 1-minute load average after each epoch: on a shared machine it says how far
  // the wall time and samples/s are from what an idle machine would give.
  const loads: number[] = [];

  const model = recipe.build({ seed });
  let result: TrainResult;
  try {
    result = await train(model, data.train, {
      ...base,
      epochs,
      seed,
      ...(data.validation ? { validationData: data.validation } : {}),
      ...(resumeFrom ? { resumeFrom } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      callbacks: [
        progress({
          intervalMs: 30_000,
          onUpdate: (p) => {
            if (p.phase === 'epoch' && p.record) {
              loads.push(loadavg()[0]);
              log(epochLine(p.record, p.epochs, p.etaSeconds));
            }
            else log(`  epoch ${p.epoch}/${p.epochs} batch ${p.batch}/${p.batches} loss ${formatNumber(p.loss.total ?? NaN)} · ${Math.round(p.samplesPerSecond)} samples/s · ETA ${formatDuration(p.etaSeconds)}`);
          },
        }),
        checkpoint({ dir: checkpoints }),
      ],
    });
  } catch (e) {
    model.dispose();
    throw e;
  }

  const status = result.stop.reason === 'completed' && result.epochsCompleted >= epochs ? 'complete' : 'partial';
  if (status === 'partial') log(`${recipe.name}: stopped (${result.stop.message}); checkpoint kept in ${checkpoints}, continue with --resume`);
  const figure = result.history.length ? measureFigure(recipe.published, result.history, recipe.name) : null;
  if (figure && !Number.isFinite(figure.value)) {
    model.dispose();
    throw new Error(`${recipe.name}: aekit's figure is ${figure.value} (${figure.label}); the run diverged — see ${join(paths.runDir, 'result.json')}`);
  }
  // A quick run (a few hundred images, one epoch) is a smoke test, not a measurement: nothing to compare.
  const comparison =
    figure && recipe.published.value !== null && status === 'complete' && !options.quick ? compareFigure(figure.value, recipe.published.value, recipe.published.quote) : null;

  let pictures: Picture[] = [];
  try {
    if (status === 'complete') {
      await model.save(join(paths.runDir, 'model'));
      // The scatter and reconstructions use the whole test split, as the notebooks do; `quick` keeps it small.
      const test = options.quick ? take(data.test, QUICK_PICTURE_IMAGES) : data.test;
      pictures = drawPictures(recipe, model, test, paths.imagesDir, seed);
    }
  } finally {
    model.dispose();
  }

  const timing = runTiming(result.history, data.train.count, base.batchSize, base.dropRemainder);
  const command = options.command ?? `npm run reproduce -- ${recipe.name}${options.quick ? ' --quick' : ''}`;
  const row = buildRow({ recipe, status, figure, comparison, epochs, result, timing, pictures, paths, command, backend: describeBackend(backend), quick: !!options.quick, startedWith });
  const load = loads.length ? loads.reduce((a, b) => a + b, 0) / loads.length : undefined;
  const details = buildDetails({ recipe, status, figure, comparison, result, seed, load, data: { train: data.train.name, validation: data.validation?.name }, quick: !!options.quick });
  writeAtomic(paths.out, upsertReproduction(readOr(paths.out, documentSkeleton()), row, details));
  writeAtomic(
    join(paths.runDir, 'result.json'),
    `${JSON.stringify({ recipe: recipe.name, status, seed, figure, comparison, published: recipe.published, stop: result.stop, history: result.history, timing, load, row }, null, 2)}\n`,
  );
  log(`${recipe.name}: ${status}; ${row.aekit} → ${paths.out}`);
  return { recipe: recipe.name, status, figure, comparison, history: result.history, stop: result.stop, pictures, row, ...timing, out: paths.out, runDir: paths.runDir };
}

interface Paths {
  out: string;
  imagesDir: string;
  runDir: string;
}

/** The monorepo root: this file is tools/reproduce/{src,dist}/… */
export function repoRoot(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
}

function resolvePaths(name: string, options: ReproduceOptions): Paths {
  if (options.quick && options.out === undefined) {
    throw new Error('reproduce: --quick writes to a scratch table, never docs/; pass out (the CLI uses a temp folder)');
  }
  const out = resolve(options.out ?? join(repoRoot(), 'docs', 'REPRODUCTION.md'));
  return {
    out,
    imagesDir: resolve(options.imagesDir ?? join(dirname(out), 'images')),
    runDir: resolve(options.runDir ?? join(repoRoot(), 'runs', 'reproduce', options.quick ? `${name}-quick` : name)),
  };
}

/** A checkpoint is never silently thrown away: resume it, or start over only when asked. */
function prepareCheckpoints(dir: string, name: string, options: ReproduceOptions, log: (l: string) => void): string | undefined {
  const latest = join(dir, 'latest.json');
  const has = existsSync(latest);
  if (has && options.fresh) {
    rmSync(dir, { recursive: true, force: true });
    return undefined;
  }
  if (has && options.resume) {
    const info = JSON.parse(readFileSync(latest, 'utf8')) as { epoch?: number };
    log(`${name}: resuming from ${dir} (epoch ${info.epoch ?? '?'} done)`);
    return dir;
  }
  if (has && !options.quick) {
    throw new Error(`${name}: ${dir} holds a checkpoint of an earlier run; pass --resume to continue it or --fresh to start over`);
  }
  if (has) rmSync(dir, { recursive: true, force: true }); // quick runs are scratch
  if (options.resume) log(`${name}: no checkpoint in ${dir}; starting from the beginning`);
  return undefined;
}

/** Writes `started.json` (aekit version + commit, date) when a run starts fresh; returns the version it started on. */
function recordStart(runDir: string, resuming: boolean): string | undefined {
  const file = join(runDir, 'started.json');
  if (!resuming || !existsSync(file)) {
    const version = aekitVersion(repoRoot());
    writeAtomic(file, `${JSON.stringify({ version, date: new Date().toISOString() }, null, 2)}\n`);
    return version;
  }
  return (JSON.parse(readFileSync(file, 'utf8')) as { version?: string }).version;
}

interface Timing {
  wallSeconds: number;
  samplesPerSecond: number;
}

/** Summed over every session's epochs (the history survives resumes), so a resumed run reports its whole cost. */
function runTiming(history: readonly EpochRecord[], count: number, batchSize: number, dropRemainder: boolean): Timing {
  const perEpoch = dropRemainder ? Math.floor(count / batchSize) * batchSize : count;
  let wall = 0;
  let trainSeconds = 0;
  for (const r of history) {
    wall += r.seconds;
    trainSeconds += perEpoch / r.samplesPerSecond;
  }
  return { wallSeconds: wall, samplesPerSecond: trainSeconds > 0 ? (perEpoch * history.length) / trainSeconds : NaN };
}

function epochLine(r: EpochRecord, epochs: number, eta: number): string {
  const terms = (v: Record<string, number>) =>
    Object.entries(v)
      .map(([k, x]) => `${k} ${formatNumber(x)}`)
      .join(', ');
  return `epoch ${r.epoch}/${epochs}: train ${terms(r.train)}${r.validation ? ` · validation ${terms(r.validation)}` : ''} · ${formatDuration(r.seconds)} · ${Math.round(r.samplesPerSecond)} samples/s · ETA ${formatDuration(eta)}`;
}

export function sourceCell(recipe: Recipe): string {
  const s = recipe.source;
  const label = s.url ? `[${s.framework}](${s.url})` : s.framework;
  return s.notebook ? `${label}, notebook ${s.notebook}` : label;
}

export function publishedCell(recipe: Recipe): string {
  const p = recipe.published;
  if (p.value === null) return `pictures only: ${p.metric}`;
  const at = p.epoch !== null ? `, epoch ${p.epoch}` : '';
  // The source's numbers exactly as it printed them.
  const byEpoch = p.byEpoch ? ` (${Object.values(p.byEpoch).join(' / ')} at epochs ${Object.keys(p.byEpoch).join(' / ')})` : '';
  const terms = p.terms ? ` (${Object.entries(p.terms).map(([k, v]) => `${k} ${v}`).join(', ')})` : '';
  return `**${p.value}** ${measureWords(p.measure)}${at}${byEpoch}${terms}`;
}

function measureWords(measure: string): string {
  return (
    { 'train-epoch-average': 'training loss, epoch average', 'validation-loss': 'validation loss', 'test-loss': 'test loss', picture: 'pictures' }[measure] ?? measure
  );
}

function buildRow(a: {
  recipe: Recipe;
  status: 'complete' | 'partial';
  figure: MeasuredFigure | null;
  comparison: Comparison | null;
  epochs: number;
  result: TrainResult;
  timing: Timing;
  pictures: Picture[];
  paths: Paths;
  command: string;
  backend: string;
  quick: boolean;
  startedWith: string | undefined;
}): ReproductionRow {
  const { recipe, figure, comparison } = a;
  let aekit: string;
  if (!figure) aekit = `partial: no epoch finished — resumable (\`--resume\`)`;
  else {
    const value = `**${formatNumber(figure.value)}**`;
    const byEpoch = figure.byEpoch ? ` (${Object.values(figure.byEpoch).map(formatNumber).join(' / ')} at epochs ${Object.keys(figure.byEpoch).join(' / ')})` : '';
    if (a.status === 'partial') aekit = `partial: ${value} after epoch ${figure.epoch}/${a.epochs}${byEpoch} — resumable (\`--resume\`)`;
    else if (comparison) {
      const verdict = comparison.within ? '✓ within tolerance' : '✗ outside tolerance — see Findings';
      aekit = `${value}${byEpoch} (${formatPercent(comparison.relative)}) ${verdict}`;
    } else aekit = `${value} ${figure.label}`;
  }
  if (a.quick) aekit = `[quick] ${aekit}`;
  const pictureCells = a.pictures.map((p) => `<img src="images/${p.file}" width="${p.file.includes('reconstructions') ? 240 : 160}" alt="${escapeAttr(`${recipe.name}: ${p.caption}`)}">`);
  return {
    recipe: `\`${recipe.name}\``,
    source: sourceCell(recipe),
    published: publishedCell(recipe),
    aekit,
    epochs: `${a.result.epochsCompleted}/${a.epochs}`,
    wallTime: formatDuration(a.timing.wallSeconds),
    samplesPerSecond: Number.isFinite(a.timing.samplesPerSecond) ? Math.round(a.timing.samplesPerSecond).toLocaleString('en-US') : '—',
    machine: describeMachine(machineInfo()),
    backend: a.backend.replace(/^backend /, ''),
    version: a.startedWith && a.startedWith !== aekitVersion(repoRoot()) ? `${aekitVersion(repoRoot())}, started on ${a.startedWith}` : aekitVersion(repoRoot()),
    command: `\`${a.command}\``,
    pictures: pictureCells.join(' ') || '—',
  };
}

function buildDetails(a: {
  recipe: Recipe;
  status: 'complete' | 'partial';
  figure: MeasuredFigure | null;
  comparison: Comparison | null;
  result: TrainResult;
  seed: number;
  load?: number;
  data: { train?: string; validation?: string };
  quick: boolean;
}): string {
  const { recipe, figure, comparison, result } = a;
  const date = new Date().toISOString().slice(0, 16).replace('T', ' ');
  const t = recipe.train;
  const lines = [
    `### \`${recipe.name}\` — ${recipe.title}${a.quick ? ' [quick]' : ''}`,
    '',
    `Row written ${date} UTC · seed ${a.seed} · ${a.status}, ${result.epochsCompleted} epoch${result.epochsCompleted === 1 ? '' : 's'} (${result.stop.message}) · ` +
      `${t.optimizer} lr ${t.learningRate}, batch ${t.batchSize}${t.dropRemainder ? ' (last partial batch dropped)' : ''}, ` +
      `trained on ${a.data.train ?? 'MNIST'}${a.data.validation ? `, validated on ${a.data.validation}` : ''}.` +
      (a.load !== undefined ? ` Machine load (1-min average, mean over this session's epochs): ${a.load.toFixed(1)} on ${machineInfo().cores} cores.` : ''),
    '',
    `Source: ${recipe.published.metric}${recipe.published.quote ? ` — “${recipe.published.quote}”` : ''}.`,
  ];
  if (figure) {
    lines.push('', `aekit: ${formatNumber(figure.value)} = ${figure.label}; terms ${Object.entries(figure.terms).map(([k, v]) => `${k} ${formatNumber(v)}`).join(', ')}.`);
  }
  if (comparison) {
    lines.push(
      '',
      `Δ = ${formatPercent(comparison.relative)} against ${recipe.published.value}; tolerance ±${formatNumber(comparison.tolerance)} ` +
        `(2 %, or half a unit of the last digit the source printed, whichever is larger) → ${comparison.within ? 'within' : 'outside — see Findings below'}.`,
    );
  }
  const printed = recipe.published.byEpoch;
  if (figure?.byEpoch && printed) {
    const rows = Object.entries(printed)
      .filter(([e]) => figure.byEpoch![Number(e)] !== undefined)
      .map(([e, v]) => {
        const ours = figure.byEpoch![Number(e)];
        const c = compareFigure(ours, v);
        return `epoch ${e}: ${formatNumber(ours)} vs ${v} (${formatPercent(c.relative)}${c.within ? '' : ', outside 2 %'})`;
      });
    if (rows.length) lines.push('', `At the epochs the source printed: ${rows.join('; ')}.`);
  }
  if (result.history.length) {
    const terms = [...new Set(result.history.flatMap((r) => Object.keys(r.train)))];
    const vterms = [...new Set(result.history.flatMap((r) => Object.keys(r.validation ?? {})))];
    lines.push(
      '',
      `| epoch | ${terms.map((k) => `train ${k}`).join(' | ')}${vterms.length ? ` | ${vterms.map((k) => `validation ${k}`).join(' | ')}` : ''} | s | samples/s |`,
      `|---|${terms.map(() => '---').join('|')}${vterms.length ? `|${vterms.map(() => '---').join('|')}` : ''}|---|---|`,
      ...result.history.map(
        (r) =>
          `| ${r.epoch} | ${terms.map((k) => formatNumber(r.train[k] ?? NaN)).join(' | ')}${vterms.length ? ` | ${vterms.map((k) => (r.validation ? formatNumber(r.validation[k] ?? NaN) : '')).join(' | ')}` : ''} | ${r.seconds.toFixed(1)} | ${Math.round(r.samplesPerSecond)} |`,
      ),
    );
  }
  return lines.join('\n');
}

function escapeAttr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

function readOr(path: string, fallback: string): string {
  return existsSync(path) ? readFileSync(path, 'utf8') : fallback;
}

export function writeAtomic(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

/** A new REPRODUCTION.md: the generated blocks go between the markers, prose outside them is kept on every update. */
export function documentSkeleton(): string {
  return [
    '# Reproducing the reference recipes',
    '',
    'Each row: a recipe of `@aekit/models` trained by `npm run reproduce -- RECIPE` at its source\'s full settings, measured as the source measured.',
    '',
    '<!-- reproduce:table:start (generated by tools/reproduce; edit outside these markers) -->',
    '<!-- reproduce:table:end -->',
    '',
    '## Details',
    '',
    '<!-- reproduce:details:start (generated by tools/reproduce) -->',
    '<!-- reproduce:details:end -->',
    '',
  ].join('\n');
}
