// Test-only: how far a float32 result is from the exact value, in units of the
// float32 spacing at the exact value (the accuracy measure of our own kernels' math).
export function ulpError(found: number, exact: number): number {
  const x = Math.abs(exact);
  const ulp = x < 2 ** -126 ? 2 ** -149 : 2 ** (Math.floor(Math.log2(x)) - 23);
  return Math.abs(found - exact) / ulp;
}
