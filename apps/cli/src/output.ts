/**
 * Where a command's words go. People get lines on stdout; `--json` turns
 * stdout into JSON lines only (one object per event, machine-readable), and
 * everything for people moves to stderr so a pipe never sees prose.
 */
export interface Output {
  readonly json: boolean;
  /** stdout is a terminal and not --json: progress bars and colour are allowed. */
  readonly interactive: boolean;
  /** A line for people (stdout; stderr in --json mode, so stdout stays parseable). */
  line(text?: string): void;
  /** A JSON line for machines (only in --json mode). */
  event(type: string, data?: Record<string, unknown>): void;
  /** A warning: always stderr. */
  warn(text: string): void;
}

export interface OutputStreams {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream;
}

export function createOutput(json: boolean, streams: OutputStreams = process): Output {
  return {
    json,
    interactive: !json && streams.stdout.isTTY === true,
    line(text = '') {
      (json ? streams.stderr : streams.stdout).write(`${text}\n`);
    },
    event(type, data = {}) {
      if (json) streams.stdout.write(`${JSON.stringify({ type, ...data })}\n`);
    },
    warn(text) {
      streams.stderr.write(`warning: ${text}\n`);
    },
  };
}
