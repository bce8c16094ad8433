// Where a JSONL tail resumes (§11, §15), and how it knows it is still reading the same file: the
// inode, the file's first bytes (a replaced file may get the same inode number) and, for the ids
// of its lines' events, a hash of its first line.
import { createHash } from "node:crypto";
import type { FileHandle } from "node:fs/promises";

/** End of the last acknowledged line of the file with inode `ino`. */
export interface Position {
  ino: number;
  offset: number;
  line: number;
  /** Hex of the file's first bytes: tells a replaced file that got the same inode number apart. */
  head: string;
  /** The file's identity in the ids of its lines' events: inode and a hash of its first line. */
  file_id?: string;
}

const HEAD_BYTES = 64;
/** The part of the first line that names the file (a longer first line is named by its start). */
const ID_LINE_BYTES = 4096;

export function startOf(ino: number): Position {
  return { ino, offset: 0, line: 0, head: "" };
}

/** A stored position, or null when there is none or it cannot be read (`unreadable` then says so). */
export function parsePosition(raw: string | undefined, unreadable: () => void): Position | null {
  if (!raw) return null;
  try {
    const p = JSON.parse(raw) as Position;
    if (
      Number.isInteger(p.offset) &&
      Number.isInteger(p.line) &&
      typeof p.ino === "number" &&
      typeof p.head === "string" &&
      (p.file_id === undefined || typeof p.file_id === "string")
    )
      return p;
  } catch {
    /* fall through */
  }
  unreadable();
  return null;
}

/** The position after a line ending at `offset`, with the file's head recorded once it is known. */
export async function positionAt(fd: FileHandle, pos: Position, offset: number, line: number): Promise<Position> {
  const next = { ...pos, offset, line };
  if (next.head.length < HEAD_BYTES * 2) {
    const buf = Buffer.alloc(Math.min(HEAD_BYTES, offset));
    const { bytesRead } = await fd.read(buf, 0, buf.length, 0);
    next.head = buf.subarray(0, bytesRead).toString("hex");
  }
  return next;
}

export async function headMatches(fd: FileHandle, pos: Position): Promise<boolean> {
  if (pos.head.length === 0) return true;
  const buf = Buffer.alloc(pos.head.length / 2);
  const { bytesRead } = await fd.read(buf, 0, buf.length, 0);
  return buf.subarray(0, bytesRead).toString("hex") === pos.head;
}

/**
 * Inode plus a hash of the first line: stable for an append-only file across restarts, and
 * different for a new file that was given the old one's inode number. Read once per file (kept in
 * `pos`), when its first complete line exists.
 */
export async function fileId(fd: FileHandle, pos: Position): Promise<string> {
  if (pos.file_id !== undefined) return pos.file_id;
  const buf = Buffer.alloc(ID_LINE_BYTES);
  const { bytesRead } = await fd.read(buf, 0, buf.length, 0);
  const nl = buf.subarray(0, bytesRead).indexOf(10);
  const first = buf.subarray(0, nl === -1 ? bytesRead : nl + 1);
  pos.file_id = `${pos.ino.toString(36)}.${createHash("sha256").update(first).digest("hex").slice(0, 16)}`;
  return pos.file_id;
}
