// Reading a JSONL file as lines (§11): complete lines from a byte offset to an end, in chunks, with
// the byte range of each line (its position is what the tail resumes from, and its start is part
// of its event's id). A partial last line waits for its newline; an oversized line is skipped
// without being buffered.
import type { FileHandle } from "node:fs/promises";

export interface Line {
  text: string;
  line: number;
  /** Byte offsets of the line's first byte and of the byte after its newline. */
  start: number;
  end: number;
  tooLong?: boolean;
}

const CHUNK = 64 * 1024;

export interface LineReading {
  /** Byte offset and number of the last line already read. */
  offset: number;
  line: number;
  /** Read up to here (the file's size when the pass began). */
  end: number;
  /** A line longer than this is handed over as `tooLong`, without its text. */
  maxLineBytes: number;
  /** Lines handed over per call of `deliver`. */
  batchLines: number;
}

/** Hands the complete lines in [offset, end) to `deliver`, in order, in batches. */
export async function readLines(fd: FileHandle, r: LineReading, deliver: (lines: Line[]) => Promise<void>): Promise<void> {
  let readAt = r.offset;
  let lineNo = r.line;
  let carry = Buffer.alloc(0);
  let carryStart = readAt;
  let skipping = false;
  const batch: Line[] = [];
  while (readAt < r.end) {
    const buf = Buffer.allocUnsafe(Math.min(CHUNK, r.end - readAt));
    const { bytesRead } = await fd.read(buf, 0, buf.length, readAt);
    if (bytesRead === 0) break;
    readAt += bytesRead;
    const data = carry.length > 0 ? Buffer.concat([carry, buf.subarray(0, bytesRead)]) : buf.subarray(0, bytesRead);
    let from = 0;
    for (let nl = data.indexOf(10, from); nl !== -1; nl = data.indexOf(10, from)) {
      lineNo += 1;
      batch.push({
        text: skipping ? "" : data.toString("utf8", from, nl),
        line: lineNo,
        start: carryStart + from,
        end: carryStart + nl + 1,
        tooLong: skipping,
      });
      skipping = false;
      from = nl + 1;
      if (batch.length >= r.batchLines) await deliver(batch.splice(0));
    }
    carry = Buffer.from(data.subarray(from));
    carryStart += from;
    if (carry.length > r.maxLineBytes) {
      skipping = true; // drop what we hold of an oversized line; it is reported when its newline comes
      carryStart += carry.length;
      carry = Buffer.alloc(0);
    }
  }
  if (batch.length > 0) await deliver(batch);
}
