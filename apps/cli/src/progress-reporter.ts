import cliProgress from 'cli-progress';
import type { EpochMetrics } from './metrics.js';
import type { Output } from './output.js';
import { formatCount, formatDuration, formatLoss, formatTerms } from './format.js';

/** What the trainer tells us while an epoch runs (a few times per second at most). */
export interface BatchProgress {
  /** 1-based epoch. */
  epoch: number;
  epochs: number;
  /** Batches done in this epoch. */
  batch: number;
  batches: number;
  samplesPerSecond: number;
  /** Seconds left in this epoch. */
  etaSeconds: number;
  /** Running average of the loss terms over this epoch so far. */
  loss: Record<string, number>;
}

export interface TrainReporter {
  batch(progress: BatchProgress): void;
  epoch(metrics: EpochMetrics, epochs: number): void;
  /** Clears a bar that is still drawn (interrupt, error). */
  stop(): void;
}

/**
 * A bar per epoch on a terminal (batch/total, samples/s, ETA, loss terms),
 * plain lines in logs and CI, JSON lines with --json.
 */
export function createTrainReporter(out: Output, stream: NodeJS.WriteStream = process.stdout): TrainReporter {
  if (out.json) return jsonReporter(out);
  if (out.interactive) return barReporter(out, stream);
  return plainReporter(out);
}

function epochLine(m: EpochMetrics, epochs: number): string {
  const width = String(epochs).length;
  const parts = [`epoch ${String(m.epoch).padStart(width)}/${epochs}`, formatTerms(m.train)];
  if (m.validation) parts.push(`val ${formatLoss(m.validation.total)}`);
  if (m.seconds !== undefined) parts.push(`${m.seconds.toFixed(1)} s`);
  if (m.samplesPerSecond !== undefined) parts.push(`${formatCount(m.samplesPerSecond)} samples/s`);
  return parts.join('  ');
}

function jsonReporter(out: Output): TrainReporter {
  return {
    batch(p) {
      out.event('progress', { ...p });
    },
    epoch(m) {
      out.event('epoch', { ...m });
    },
    stop() {},
  };
}

/** Plain lines: one per epoch, plus a progress line at most every 30 s for long epochs. */
function plainReporter(out: Output): TrainReporter {
  let last = Date.now();
  return {
    batch(p) {
      const now = Date.now();
      if (now - last < 30_000 || p.batch >= p.batches) return;
      last = now;
      out.line(
        `epoch ${p.epoch}/${p.epochs}  batch ${p.batch}/${p.batches}  ${formatTerms(p.loss)}  ${formatCount(p.samplesPerSecond)} samples/s  ETA ${formatDuration(p.etaSeconds)}`,
      );
    },
    epoch(m, epochs) {
      last = Date.now();
      out.line(epochLine(m, epochs));
    },
    stop() {},
  };
}

function barReporter(out: Output, stream: NodeJS.WriteStream): TrainReporter {
  let bar: cliProgress.SingleBar | undefined;
  let barEpoch = 0;
  const stop = () => {
    if (bar) {
      bar.stop();
      bar = undefined;
    }
  };
  return {
    batch(p) {
      if (!bar || barEpoch !== p.epoch) {
        stop();
        barEpoch = p.epoch;
        bar = new cliProgress.SingleBar(
          {
            stream,
            format: `epoch {epochLabel} {bar} {value}/{total} | {rate} samples/s | ETA {eta_text} | {loss}`,
            barCompleteChar: '\u2588',
            barIncompleteChar: '\u2591',
            barsize: 24,
            hideCursor: true,
            clearOnComplete: true,
            stopOnComplete: false,
            etaBuffer: 50,
            fps: 8,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(p.batches, 0, { epochLabel: `${p.epoch}/${p.epochs}`, rate: '-', eta_text: '--:--', loss: '' });
      }
      bar.update(p.batch, {
        rate: formatCount(p.samplesPerSecond),
        eta_text: formatDuration(p.etaSeconds),
        loss: formatTerms(p.loss, true),
      });
    },
    epoch(m, epochs) {
      stop();
      out.line(epochLine(m, epochs));
    },
    stop,
  };
}
