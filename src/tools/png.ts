/** Reads a PNG header, so the Teams manifest check can verify its icons' sizes without an image library. */

/** Width and height read back from a PNG header. */
export function pngSize(png: Buffer): { width: number; height: number; colorType: number } {
  if (png.subarray(1, 4).toString('ascii') !== 'PNG') throw new Error('not a PNG');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20), colorType: png[25]! };
}
