// Many doubles in a snapshot, exactly and fast: their IEEE-754 bytes (little-endian) as base64.
// Writing 100,000 numbers as JSON text costs tens of milliseconds of the event loop at every
// snapshot; as base64 a few. Bit-exact, NaN, ±Infinity and −0 included, and still plain JSON.
// The base64 itself is Buffer's (native code): a decoder in JavaScript took ~75 ms of a start to
// unpack 100 bots' curves (1.9 MB), before the JIT had warmed it up, where Buffer takes a few.
/** Whether this machine stores doubles little-endian (then their bytes are used as they are). */
const LITTLE_ENDIAN = new Uint8Array(new Float64Array([1]).buffer)[7] === 0x3f;
/** Buffer's decoder skips characters outside the alphabet; a snapshot holding one is refused instead. */
const NOT_BASE64 = /[^A-Za-z0-9+/]/;

export function packFloats(values: ArrayLike<number>): string {
  const doubles = Float64Array.from(values);
  if (!LITTLE_ENDIAN) {
    const view = new DataView(doubles.buffer);
    for (let i = 0; i < doubles.length; i++) view.setFloat64(i * 8, values[i]!, true);
  }
  return Buffer.from(doubles.buffer, 0, doubles.byteLength).toString("base64");
}

export function unpackFloats(text: string): Float64Array {
  if (text.length % 4 !== 0) throw new Error("packed numbers: length is not a multiple of 4");
  const padding = text.endsWith("==") ? 2 : text.endsWith("=") ? 1 : 0;
  const byteLength = (text.length / 4) * 3 - padding;
  if (byteLength % 8 !== 0) throw new Error("packed numbers: not a whole number of doubles");
  const bad = NOT_BASE64.exec(text.slice(0, text.length - padding));
  if (bad !== null) throw new Error(`packed numbers: not base64 at ${bad.index}`);
  const bytes = Buffer.from(text, "base64");
  const values = new Float64Array(byteLength / 8);
  if (LITTLE_ENDIAN) {
    // Copied rather than viewed: a small Buffer sits in a shared pool at an offset that need not be a multiple of 8.
    new Uint8Array(values.buffer).set(bytes.subarray(0, byteLength));
    return values;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, byteLength);
  for (let i = 0; i < values.length; i++) values[i] = view.getFloat64(i * 8, true);
  return values;
}
