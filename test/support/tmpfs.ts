// A small tmpfs of its own for one test: a real file system that really fills up (ENOSPC) and can
// really be remounted read-only. Mounting needs root; locally a test without it skips with a loud
// message, under CI=true it fails instead.
import { execFileSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { warnOnce } from "./binaries.js";

export interface Tmpfs {
  readonly dir: string;
  /** `mount -o remount,ro|rw`: Linux refuses `ro` while a file on it is open for writing. */
  remount(mode: "ro" | "rw"): void;
  /** Unmounts (lazily if still busy) and removes the mount point; safe to call twice. */
  unmount(): void;
}

function mount(args: string[]): void {
  execFileSync("mount", args, { stdio: ["ignore", "pipe", "pipe"] });
}

export function mountTmpfs(size = "16m"): Tmpfs {
  const dir = mkdtempSync(join(tmpdir(), "te-tmpfs-"));
  try {
    mount(["-t", "tmpfs", "-o", `size=${size},mode=0700`, "tmpfs", dir]);
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  let mounted = true;
  return {
    dir,
    remount: (mode) => mount(["-o", `remount,${mode}`, dir]),
    unmount() {
      if (!mounted) return;
      try {
        execFileSync("umount", [dir], { stdio: "pipe" });
      } catch {
        execFileSync("umount", ["-l", dir], { stdio: "pipe" });
      }
      mounted = false;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Why tmpfs tests cannot run here, or undefined. Throws under CI=true instead of skipping. */
export function tmpfsSkipReason(): string | undefined {
  let reason: string | undefined;
  if (process.getuid?.() !== 0) reason = "not running as root, so no tmpfs can be mounted for the storage-fault tests";
  else {
    try {
      mountTmpfs("1m").unmount();
    } catch (err) {
      reason = `mount -t tmpfs failed (${(err as Error).message.split("\n")[0]}), so the storage-fault tests cannot run`;
    }
  }
  if (reason === undefined) return undefined;
  if (process.env.CI === "true") throw new Error(`${reason}; CI=true, so this is a failure, not a skip`);
  warnOnce(reason);
  return reason;
}

/** Writes `path` until the file system is full (ENOSPC), down to the last byte; returns the bytes written. */
export function fillUp(path: string): number {
  const fd = openSync(path, "w");
  let written = 0;
  try {
    for (const size of [1 << 20, 1 << 12, 1]) {
      const chunk = Buffer.alloc(size, 0xa5);
      try {
        for (;;) written += writeSync(fd, chunk);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "ENOSPC") throw err;
      }
    }
  } finally {
    closeSync(fd);
  }
  return written;
}
