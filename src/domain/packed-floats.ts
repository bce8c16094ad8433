// Many doubles in a snapshot, exactly and fast: their IEEE-754 bytes (little-endian) as base64.
// Writing 100,000 numbers as JSON text costs tens of milliseconds of the event loop at every
// snapshot; as base64 a few. Bit-exact, NaN, ±Infinity and −0 included, and still plain JSON.
// Yes/no flags beside such a series are one byte each (0 or 1), also as base64.
// The base64 itself is Buffer's (native code): a decoder in JavaScript took ~75 ms of a start to
// unpack 100 bots' curves (1.9 MB), before the JIT had warmed it up, where Buffer takes a few.
/** Whether this machine stores doubles little-endian (then their bytes are used as they are). */
const LITTLE_ENDIAN = new Uint8Array(new Float64Array([1]).buffer)[7] === 0x3f;

export function packFloats(values: ArrayLike<number>): string {
  const doubles = Float64Array.from(values);
  if (!LITTLE_ENDIAN) {
    const view = new DataView(doubles.buffer);
    for (let i = 0; i < doubles.length; i++) view.setFloat64(i * 8, values[i]!, true);
  }
  return Buffer.from(doubles.buffer, 0, doubles.byteLength).toString("base64");
}

export function unpackFloats(text: string): Float64Array {
  const bytes = strictBase64(text, "packed numbers");
  const byteLength = bytes.length;
  if (byteLength % 8 !== 0) throw new Error("packed numbers: not a whole number of doubles");
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

export function packFlags(flags: Uint8Array): string {
  return Buffer.from(flags.buffer, flags.byteOffset, flags.byteLength).toString("base64");
}

/** The flags `packFlags` wrote: one byte each, which must be 0 or 1. */
export function unpackFlags(text: string): Uint8Array {
  const bytes = strictBase64(text, "packed flags");
  const other = bytes.findIndex((b) => b > 1);
  if (other >= 0) throw new Error(`packed flags: byte ${other} is ${bytes[other]}, not 0 or 1`);
  return bytes;
}

/** The bytes `text` encodes, or an error naming `what` when it is not exactly their standard base64. */
function strictBase64(text: string, what: string): Buffer {
  if (text.length % 4 !== 0) throw new Error(`${what}: length is not a multiple of 4`);
  const bytes = Buffer.from(text, "base64");
  // Buffer's decoder skips characters outside the alphabet (and takes base64url's): only text that
  // is exactly the encoding of the bytes it decodes to is accepted. Checked by encoding them again,
  // in native code: a regular expression over the same 1.9 MB took ~25 ms of a start.
  if (bytes.toString("base64") !== text) throw new Error(`${what}: not base64 at ${firstOffAlphabet(text)}`);
  return bytes;
}

/** Where `text` first leaves standard base64 (the index of its end when only the padding bits are wrong). */
function firstOffAlphabet(text: string): number {
  const at = text.search(/[^A-Za-z0-9+/=]|=[^=]/);
  return at < 0 ? text.length : at;
}
