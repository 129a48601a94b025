// Test-only helpers for our own WebAssembly kernels (wasm/*.wat).

/**
 * The base64 module bytes scripts/build-wasm-kernels.mjs assembles from
 * wasm/<name>.wat, to compare with the committed src/kernels/<name>-binary.ts.
 */
export async function assembledKernel(name: string): Promise<{ plain: string; shared: string }> {
  const script = new URL('../../scripts/build-wasm-kernels.mjs', import.meta.url).href;
  const { assembleWasmKernel } = (await import(script)) as {
    assembleWasmKernel: (name: string) => Promise<{ plain: Uint8Array; shared: Uint8Array }>;
  };
  const { plain, shared } = await assembleWasmKernel(name);
  return { plain: Buffer.from(plain).toString('base64'), shared: Buffer.from(shared).toString('base64') };
}

/**
 * How far a float32 result is from the exact value, in units of the float32
 * spacing at the exact value (the accuracy measure of our own kernels' math).
 */
export function ulpError(found: number, exact: number): number {
  const x = Math.abs(exact);
  const ulp = x < 2 ** -126 ? 2 ** -149 : 2 ** (Math.floor(Math.log2(x)) - 23);
  return Math.abs(found - exact) / ulp;
}
