import { distance } from 'fastest-levenshtein';

/**
 * The known name closest to `input`, or undefined when nothing is close enough
 * to be a plausible typo. Case-insensitive, so `kerasconvvae` finds
 * `kerasConvVae`; a prefix match also counts (`kerasConv` → `kerasConvVae`).
 */
export function nearestName(input: string, known: readonly string[]): string | undefined {
  const needle = input.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const name of known) {
    const candidate = name.toLowerCase();
    if (candidate === needle) return name;
    const d = candidate.startsWith(needle) && needle.length >= 3 ? 1 : distance(needle, candidate);
    if (d < bestDistance) {
      bestDistance = d;
      best = name;
    }
  }
  // Commander's own rule of thumb for option typos: at most ~40% of the word may differ.
  const limit = Math.max(2, Math.floor(needle.length * 0.4));
  return bestDistance <= limit ? best : undefined;
}

/** "unknown recipe 'kerasConvVea' (did you mean 'kerasConvVae'?); known: a, b, c" */
export function unknownNameMessage(kind: string, input: string, known: readonly string[]): string {
  const near = nearestName(input, known);
  const hint = near ? ` (did you mean '${near}'?)` : '';
  return `unknown ${kind} '${input}'${hint}; known ${kind}s: ${known.join(', ')}`;
}
