// Snapshots are JSON, and JSON has no NaN, ±Infinity or −0: encode them as tagged strings so a
// restored engine holds bit-identical numbers (a plain JSON.stringify would write them as null / 0).

export type JsonNumber = number | "NaN" | "+Inf" | "-Inf" | "-0";

export function encodeNumber(x: number): JsonNumber {
  if (Number.isNaN(x)) return "NaN";
  if (x === Infinity) return "+Inf";
  if (x === -Infinity) return "-Inf";
  if (Object.is(x, -0)) return "-0";
  return x;
}

export function decodeNumber(x: JsonNumber): number {
  switch (x) {
    case "NaN":
      return NaN;
    case "+Inf":
      return Infinity;
    case "-Inf":
      return -Infinity;
    case "-0":
      return -0;
    default:
      if (typeof x !== "number") throw new Error(`not an encoded number: ${JSON.stringify(x)}`);
      return x;
  }
}
