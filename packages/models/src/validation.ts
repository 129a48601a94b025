// Small checkers shared by the JSON config validators. Every error names the
// field by its path (e.g. `encoder[2].units`), says what was expected and what
// was found, so a hand-written model.json can be fixed from the message alone.

export function describe(value: unknown): string {
  if (value === undefined) return 'nothing (the field is missing)';
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) {
    const text = JSON.stringify(value);
    return text.length <= 60 ? text : `an array of ${value.length}`;
  }
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'object') {
    const name = (value as object).constructor?.name;
    return name && name !== 'Object' ? `a ${name}` : 'an object';
  }
  return typeof value;
}

export function fail(path: string, expected: string, found: unknown): never {
  throw new Error(`${path}: expected ${expected}, found ${describe(found)}`);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function expectRecord(path: string, value: unknown, example: string): Record<string, unknown> {
  if (!isRecord(value)) fail(path, `an object like ${example}`, value);
  return value;
}

export function expectPositiveInteger(path: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) fail(path, 'a positive integer', value);
  return value;
}

export function expectNumber(path: string, value: unknown, range?: { min?: number; max?: number; exclusiveMin?: boolean }): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(path, 'a finite number', value);
  if (range?.min !== undefined) {
    const ok = range.exclusiveMin ? value > range.min : value >= range.min;
    if (!ok) fail(path, `a number ${range.exclusiveMin ? '>' : '>='} ${range.min}`, value);
  }
  if (range?.max !== undefined && value > range.max) fail(path, `a number <= ${range.max}`, value);
  return value;
}

export function expectBoolean(path: string, value: unknown): boolean {
  if (typeof value !== 'boolean') fail(path, 'true or false', value);
  return value;
}

export function expectString(path: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) fail(path, 'a non-empty string', value);
  return value;
}

export function expectOneOf<T extends string>(path: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    const hint = typeof value === 'string' ? didYouMean(value, allowed) : '';
    throw new Error(`${path}: expected one of ${allowed.map((a) => `'${a}'`).join(', ')}, found ${describe(value)}${hint}`);
  }
  return value as T;
}

export function expectShape(path: string, value: unknown): number[] {
  if (!Array.isArray(value) || value.length === 0) fail(path, 'a shape like [784] or [28, 28, 1]', value);
  value.forEach((d, i) => expectPositiveInteger(`${path}[${i}]`, d));
  return [...(value as number[])];
}

/** One integer or a pair of them (kernel sizes, strides): 3 → [3, 3]. */
export function expectPair(path: string, value: unknown): [number, number] {
  if (typeof value === 'number') {
    expectPositiveInteger(path, value);
    return [value, value];
  }
  if (!Array.isArray(value) || value.length !== 2) fail(path, 'a positive integer or a pair [h, w]', value);
  return [expectPositiveInteger(`${path}[0]`, value[0]), expectPositiveInteger(`${path}[1]`, value[1])];
}

/** Rejects fields the schema does not know: a typo ("unit" for "units") must not pass silently. */
export function expectKnownKeys(path: string, record: Record<string, unknown>, allowed: readonly string[]): void {
  for (const key of Object.keys(record)) {
    if (!allowed.includes(key)) {
      throw new Error(
        `${path}.${key}: unknown field${didYouMean(key, allowed)} (allowed: ${allowed.join(', ')})`,
      );
    }
  }
}

/** `" (did you mean 'dense'?)"` when a close name exists, else ''. */
export function didYouMean(name: string, candidates: readonly string[]): string {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(name.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = c;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(name.length / 3)) ? ` (did you mean '${best}'?)` : '';
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}
