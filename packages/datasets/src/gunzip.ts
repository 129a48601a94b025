/**
 * Decompresses gzip bytes with the platform's DecompressionStream (all current
 * browsers, Deno, Node ≥ 18), so the browser entry needs no zlib dependency.
 * Node code in '@aekit/datasets/node' uses zlib directly instead.
 */
export async function gunzip(bytes: Uint8Array | ArrayBuffer, name = 'gzip data'): Promise<Uint8Array> {
  if (typeof DecompressionStream !== 'function') {
    throw new Error(`${name}: cannot decompress: this runtime has no DecompressionStream; decompress the file before loading it`);
  }
  const input = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const stream = new Blob([input as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('gzip'));
  try {
    return new Uint8Array(await new Response(stream).arrayBuffer());
  } catch (e) {
    throw new Error(`${name}: gzip data is corrupt or truncated (${(e as Error).message})`, { cause: e });
  }
}
