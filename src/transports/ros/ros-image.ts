// Camera messages → the bundle's H x W x C 8-bit frames. Raw images (rgb8, bgr8, mono8, rgba8,
// bgra8, rows possibly padded to `step`) are repacked in JS, then resized with sharp when their
// size differs; compressed images (jpeg, png) are decoded and resized by sharp in one pass.
import type { OutputInfo } from 'sharp';
import type { CameraFrame } from '../../core/types.js';
import type { RosCompressedImage, RosImage } from './ros-messages.js';

type Sharp = (typeof import('sharp'))['default'];
let sharpLoaded: Promise<Sharp> | undefined;
/** sharp (libvips, ~19 MB of native code) loads on the first image that needs a resize or a
 * decode, not with the CLI: nothing else uses it, and a process that never sees one never maps it. */
const loadSharp = (): Promise<Sharp> => (sharpLoaded ??= import('sharp').then((m) => m.default));

export interface CameraTarget {
  readonly name: string;
  readonly height: number;
  readonly width: number;
  readonly channels: 1 | 3;
}

const LAYOUTS: Record<string, { channels: number; order: readonly number[] }> = {
  rgb8: { channels: 3, order: [0, 1, 2] },
  bgr8: { channels: 3, order: [2, 1, 0] },
  rgba8: { channels: 4, order: [0, 1, 2] },
  bgra8: { channels: 4, order: [2, 1, 0] },
  mono8: { channels: 1, order: [0, 0, 0] },
};

export const RAW_ENCODINGS = Object.keys(LAYOUTS);

/** Largest image accepted (raw, or as a compressed image declares it): 4096 x 4096 pixels. */
export const MAX_IMAGE_PIXELS = 4096 * 4096;

const shown = (text: string, max = 64): string => (text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text);

/** Converts a sensor_msgs/Image; throws naming the topic and the bad field. */
export async function rawImageToFrame(img: RosImage, target: CameraTarget, topic: string): Promise<CameraFrame> {
  const layout = LAYOUTS[img.encoding];
  if (!layout) throw new RangeError(`${topic}: image encoding '${shown(img.encoding)}' is not supported (${RAW_ENCODINGS.join(', ')})`);
  const { width, height, step } = img;
  if (!Number.isSafeInteger(width) || !Number.isSafeInteger(height) || !Number.isSafeInteger(step) || !(width > 0 && height > 0) || step < width * layout.channels) {
    throw new RangeError(`${topic}: image ${width}x${height} with step ${step} is not a valid ${img.encoding} image`);
  }
  if (width * height > MAX_IMAGE_PIXELS) throw new RangeError(`${topic}: image ${width}x${height} exceeds ${MAX_IMAGE_PIXELS} pixels`);
  if (img.data.length < step * height) throw new RangeError(`${topic}: image has ${img.data.length} bytes, ${width}x${height} ${img.encoding} with step ${step} needs ${step * height}`);
  const c = target.channels;
  const packed = new Uint8Array(width * height * c);
  for (let y = 0; y < height; y++) {
    const row = y * step;
    for (let x = 0; x < width; x++) {
      const src = row + x * layout.channels;
      const dst = (y * width + x) * c;
      if (c === 3) {
        packed[dst] = img.data[src + layout.order[0]!]!;
        packed[dst + 1] = img.data[src + layout.order[1]!]!;
        packed[dst + 2] = img.data[src + layout.order[2]!]!;
      } else if (layout.channels === 1) {
        packed[dst] = img.data[src]!;
      } else {
        // ITU-R BT.601 luma, as sharp's greyscale uses.
        const r = img.data[src + layout.order[0]!]!, g = img.data[src + layout.order[1]!]!, b = img.data[src + layout.order[2]!]!;
        packed[dst] = Math.round(0.299 * r + 0.587 * g + 0.114 * b);
      }
    }
  }
  if (width === target.width && height === target.height) return { name: target.name, height, width, channels: c, data: packed };
  let resized: Buffer;
  try {
    const sharp = await loadSharp();
    resized = await sharp(packed, { raw: { width, height, channels: c } })
      .resize(target.width, target.height, { fit: 'fill' })
      .raw()
      .toBuffer();
  } catch (err) {
    throw new RangeError(`${topic}: cannot resize the ${width}x${height} image: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  return { name: target.name, height: target.height, width: target.width, channels: c, data: new Uint8Array(resized.buffer, resized.byteOffset, resized.byteLength) };
}

/** Decodes a sensor_msgs/CompressedImage (jpeg or png, e.g. 'jpeg', 'rgb8; jpeg compressed bgr8'). */
export async function compressedImageToFrame(img: RosCompressedImage, target: CameraTarget, topic: string): Promise<CameraFrame> {
  if (!/jpe?g|png/i.test(img.format)) throw new RangeError(`${topic}: compressed format '${shown(img.format)}' is not supported (jpeg, png)`);
  let out: { data: Buffer; info: OutputInfo };
  try {
    // A small file may declare a huge image (a decompression bomb): sharp refuses it past the limit.
    const sharp = await loadSharp();
    let pipeline = sharp(img.data, { limitInputPixels: MAX_IMAGE_PIXELS }).resize(target.width, target.height, { fit: 'fill' }).removeAlpha();
    pipeline = target.channels === 1 ? pipeline.greyscale() : pipeline.toColourspace('srgb');
    out = await pipeline.raw().toBuffer({ resolveWithObject: true });
  } catch (err) {
    throw new RangeError(`${topic}: cannot decode the ${shown(img.format)} image (${img.data.length} bytes): ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  if (out.info.channels !== target.channels) throw new RangeError(`${topic}: decoded ${out.info.channels} channels, the policy's camera '${target.name}' has ${target.channels}`);
  return { name: target.name, height: target.height, width: target.width, channels: target.channels, data: new Uint8Array(out.data.buffer, out.data.byteOffset, out.data.byteLength) };
}
