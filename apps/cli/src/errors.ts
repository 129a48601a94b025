/**
 * The two ways a command can fail, told apart by exit code as cargo and npm do:
 * 2 when the user asked for something that cannot be (bad option, unknown
 * recipe, a path that is not a run folder), 1 when a well-formed request failed
 * while running (a corrupt weights file, a NaN loss).
 */
export class UsageError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export class RuntimeError extends Error {
  readonly exitCode = 1;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RuntimeError';
  }
}

/** Exit code for any thrown value: UsageError → 2, everything else → 1. */
export function exitCodeOf(error: unknown): number {
  return error instanceof UsageError ? 2 : 1;
}

/**
 * One line for stderr. Library errors already name the input and what is wrong
 * (DESIGN.md conventions), so their message is printed as is, on one line.
 */
export function messageOf(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/\s*\n\s*/g, ' ').trim() || 'unknown error';
}

/** Commander writes "error: unknown option '--epoch'\n(Did you mean --epochs?)": make it one line. */
export function oneLine(text: string): string {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .join(' ');
}
