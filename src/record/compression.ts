// Chunk compression for McapWriter: zstd through @foxglove/wasm-zstd (the same library the
// readers decompress with), lz4 through our frame compressor, or none.
import zstd from '@foxglove/wasm-zstd';
import { compressLz4Frame } from './lz4-frame.js';

export type ChunkCompression = 'zstd' | 'lz4' | 'none';

export type CompressChunk = (chunk: Uint8Array) => { compression: string; compressedData: Uint8Array };

/**
 * The `compressChunk` callback for McapWriter, or undefined for uncompressed chunks. Async because
 * the zstd WebAssembly module must finish loading before the first call.
 */
export async function chunkCompressor(kind: ChunkCompression, zstdLevel = 3): Promise<CompressChunk | undefined> {
  switch (kind) {
    case 'zstd':
      await zstd.isLoaded;
      return (chunk) => ({ compression: 'zstd', compressedData: zstd.compress(chunk, zstdLevel) });
    case 'lz4':
      return (chunk) => ({ compression: 'lz4', compressedData: compressLz4Frame(chunk) });
    case 'none':
      return undefined;
    default:
      throw new RangeError(`compression must be 'zstd', 'lz4' or 'none', got ${String(kind as unknown)}`);
  }
}
