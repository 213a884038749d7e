import { promisify } from 'node:util';
import { brotliCompress, brotliDecompress, constants, gunzip, gzip } from 'node:zlib';

export type Compression = 'gzip' | 'brotli' | 'none';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);
const brotliAsync = promisify(brotliCompress);
const unbrotliAsync = promisify(brotliDecompress);

/** First byte of a stored value: how the rest is encoded. Decoding never depends on current options. */
const Tag = { raw: 0, gzip: 1, brotli: 2 } as const;

// Brotli's default quality (11) is tuned for static assets and far too slow per request; 4 keeps
// it about as fast as gzip while still smaller on JSON.
const brotliParams = { params: { [constants.BROTLI_PARAM_QUALITY]: 4, [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT } };

/** Encodes a value, compressed off the event loop's thread when it is at least `threshold` bytes. */
export async function pack(text: string, compression: Compression, threshold: number): Promise<Buffer> {
  const raw = Buffer.from(text, 'utf8');
  if (compression === 'none' || raw.length < threshold) return Buffer.concat([Buffer.of(Tag.raw), raw]);
  const packed = compression === 'gzip' ? await gzipAsync(raw) : await brotliAsync(raw, brotliParams);
  return Buffer.concat([Buffer.of(compression === 'gzip' ? Tag.gzip : Tag.brotli), packed]);
}

/** Decodes what `pack` wrote; undefined for anything else. */
export async function unpack(value: Buffer): Promise<string | undefined> {
  const body = value.subarray(1);
  switch (value[0]) {
    case Tag.raw:
      return body.toString('utf8');
    case Tag.gzip:
      return (await gunzipAsync(body)).toString('utf8');
    case Tag.brotli:
      return (await unbrotliAsync(body)).toString('utf8');
    default:
      return undefined;
  }
}
