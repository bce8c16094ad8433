// Many doubles in a snapshot, exactly and fast: their IEEE-754 bytes (little-endian) as base64.
// Writing 100,000 numbers as JSON text costs tens of milliseconds of the event loop at every
// snapshot; as base64 a few. Bit-exact, NaN, ±Infinity and −0 included, and still plain JSON.
const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const ENCODE = Uint8Array.from(ALPHABET, (c) => c.charCodeAt(0));
const DECODE = new Int16Array(256).fill(-1);
ALPHABET.split("").forEach((c, i) => (DECODE[c.charCodeAt(0)] = i));
const PAD = 61; // "="
/** Whether this machine stores doubles little-endian (then their bytes are used as they are). */
const LITTLE_ENDIAN = new Uint8Array(new Float64Array([1]).buffer)[7] === 0x3f;

function littleEndianBytes(values: ArrayLike<number>): Uint8Array {
  if (LITTLE_ENDIAN) return new Uint8Array(Float64Array.from(values).buffer);
  const bytes = new Uint8Array(values.length * 8);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat64(i * 8, values[i]!, true);
  return bytes;
}

export function packFloats(values: ArrayLike<number>): string {
  const b = littleEndianBytes(values);
  const out = new Uint8Array(Math.ceil(b.length / 3) * 4);
  let i = 0;
  let o = 0;
  for (; i + 2 < b.length; i += 3, o += 4) {
    const n = (b[i]! << 16) | (b[i + 1]! << 8) | b[i + 2]!;
    out[o] = ENCODE[n >>> 18]!;
    out[o + 1] = ENCODE[(n >>> 12) & 63]!;
    out[o + 2] = ENCODE[(n >>> 6) & 63]!;
    out[o + 3] = ENCODE[n & 63]!;
  }
  const rest = b.length - i;
  if (rest > 0) {
    const n = (b[i]! << 16) | (rest > 1 ? b[i + 1]! << 8 : 0);
    out[o] = ENCODE[n >>> 18]!;
    out[o + 1] = ENCODE[(n >>> 12) & 63]!;
    out[o + 2] = rest > 1 ? ENCODE[(n >>> 6) & 63]! : PAD;
    out[o + 3] = PAD;
  }
  return new TextDecoder("ascii").decode(out);
}

export function unpackFloats(text: string): Float64Array {
  if (text.length % 4 !== 0) throw new Error("packed numbers: length is not a multiple of 4");
  const padding = text.endsWith("==") ? 2 : text.endsWith("=") ? 1 : 0;
  const byteLength = (text.length / 4) * 3 - padding;
  if (byteLength % 8 !== 0) throw new Error("packed numbers: not a whole number of doubles");
  const bytes = new Uint8Array(Math.ceil(byteLength / 3) * 3);
  const sextet = (at: number): number => {
    const c = text.charCodeAt(at);
    const v = c === PAD && at >= text.length - padding ? 0 : c < 256 ? DECODE[c]! : -1;
    if (v < 0) throw new Error(`packed numbers: not base64 at ${at}`);
    return v;
  };
  for (let i = 0, o = 0; i < text.length; i += 4, o += 3) {
    const n = (sextet(i) << 18) | (sextet(i + 1) << 12) | (sextet(i + 2) << 6) | sextet(i + 3);
    bytes[o] = n >>> 16;
    bytes[o + 1] = (n >>> 8) & 255;
    bytes[o + 2] = n & 255;
  }
  if (LITTLE_ENDIAN) return new Float64Array(bytes.buffer, 0, byteLength / 8).slice();
  const view = new DataView(bytes.buffer);
  const values = new Float64Array(byteLength / 8);
  for (let i = 0; i < values.length; i++) values[i] = view.getFloat64(i * 8, true);
  return values;
}
