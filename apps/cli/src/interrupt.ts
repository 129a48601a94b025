/**
 * Ctrl-C and SIGTERM during training: the first one asks the trainer to stop
 * after the current batch (through an AbortSignal) so it can write a
 * checkpoint; a second one quits at once, as people expect from a terminal.
 */
export interface Interrupt {
  readonly signal: AbortSignal;
  /** The signal name that stopped us, once one has. */
  readonly received: NodeJS.Signals | undefined;
  dispose(): void;
}

export function onInterrupt(notify: (signal: NodeJS.Signals) => void): Interrupt {
  const controller = new AbortController();
  let received: NodeJS.Signals | undefined;
  const handler = (signal: NodeJS.Signals) => {
    if (received) {
      process.stderr.write(`\n${signal} again: quitting without a checkpoint.\n`);
      process.exit(130);
    }
    received = signal;
    notify(signal);
    controller.abort(new Error(`interrupted by ${signal}`));
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    signal: controller.signal,
    get received() {
      return received;
    },
    dispose() {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}
