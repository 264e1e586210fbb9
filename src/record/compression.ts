// Chunk compression for McapWriter: zstd through @foxglove/wasm-zstd (the same library the
// readers decompress with), or none. (No lz4: the npm lz4 packages here only decompress or need a
// native build, and a hand-written compressor is not worth keeping beside zstd.)
import zstd from '@foxglove/wasm-zstd';

export type ChunkCompression = 'zstd' | 'none';

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
    case 'none':
      return undefined;
    default:
      throw new RangeError(`compression must be 'zstd' or 'none', got ${String(kind as unknown)}`);
  }
}
