import { gunzip } from './gunzip';
import { isGzip, parseIdx, type IdxFile, type IdxKind } from './idx';

/**
 * Fetches one IDX file (raw or gzip, detected from the bytes, not the URL) and
 * parses it: the browser path to MNIST-family data. Pair the results with
 * `idxDataset(images, labels)`.
 */
export async function fetchIdx(url: string | URL, expect?: IdxKind, init?: RequestInit): Promise<IdxFile> {
  const name = String(url);
  let response: Response;
  try {
    response = await fetch(url, init);
  } catch (e) {
    throw new Error(`${name}: fetch failed (${(e as Error).message})`, { cause: e });
  }
  if (!response.ok) {
    throw new Error(`${name}: expected HTTP 200, found ${response.status} ${response.statusText}`.trimEnd());
  }
  let bytes: Uint8Array = new Uint8Array(await response.arrayBuffer());
  if (isGzip(bytes)) bytes = await gunzip(bytes, name);
  return parseIdx(bytes, name, expect);
}
