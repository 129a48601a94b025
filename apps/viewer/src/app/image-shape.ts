/**
 * The [height, width, channels] to show a decoder's output as. Conv decoders
 * answer [batch, h, w, c]; dense ones answer [batch, h·w·c] and the image
 * shape comes from aekit.json's inputShape when it is an image shape
 * ([28, 28, 1]), else from a square side (784 → 28×28, what MNIST models with
 * inputShape [784] are).
 */
export function decodedImageShape(output: readonly (number | null)[], fromManifest?: readonly number[]): [number, number, number] {
  const dims = output.slice(1).map(Number);
  if (dims.length === 3) return [dims[0], dims[1], dims[2]];
  if (dims.length === 2) return [dims[0], dims[1], 1];
  const size = dims[0];
  if (dims.length === 1 && size > 0) {
    if (fromManifest && fromManifest.length >= 2 && fromManifest.reduce((a, b) => a * b, 1) === size) {
      const [h, w, c = 1] = fromManifest;
      return [h, w, c];
    }
    const side = Math.round(Math.sqrt(size));
    if (side * side === size) return [side, side, 1];
    const rgb = Math.round(Math.sqrt(size / 3));
    if (rgb * rgb * 3 === size) return [rgb, rgb, 3];
  }
  throw new Error(
    `decoder/model.json: cannot show a decoder output of shape [${output.map(String).join(', ')}] as an image; ` +
      'record the image shape as inputShape (e.g. [28, 28, 1]) in aekit.json',
  );
}
