import { CommanderError } from 'commander';
import { exitCodeOf, messageOf, oneLine } from './errors.js';
import { buildProgram } from './program.js';

/**
 * Runs the CLI and resolves to the exit code: 0 ok, 2 usage error (bad
 * option, unknown recipe, not a run folder), 1 runtime error. Errors are one
 * line on stderr; the stack only with --verbose.
 */
export async function main(argv: readonly string[]): Promise<number> {
  const verbose = argv.includes('--verbose');
  let usageMessage: string | undefined;
  let exitCode = 0;
  const program = buildProgram({
    onUsageError(message) {
      usageMessage = message;
    },
    setExitCode(code) {
      exitCode = code;
    },
  });
  try {
    await program.parseAsync([...argv]);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end the parse with exit code 0.
      if (error.exitCode === 0) return 0;
      process.stderr.write(`${usageMessage ?? oneLine(error.message)}\n`);
      return 2;
    }
    process.stderr.write(`error: ${messageOf(error)}\n`);
    if (verbose && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
    return exitCodeOf(error);
  }
}
