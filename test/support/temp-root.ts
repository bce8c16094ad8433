// vitest's global setup: every temporary directory of a test run (the tests' own, those of the
// processes they start, the bench smoke runs') is made under one directory for the run, removed
// when the run ends. Many tests leave their SQLite files behind for a failure to be inspected;
// removed here, they never pile up in the system's temporary directory.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export default function setup(): () => void {
  const previous = process.env.TMPDIR;
  const root = mkdtempSync(join(tmpdir(), "te-run-"));
  // os.tmpdir() reads TMPDIR at each call, and the workers and their children inherit it.
  process.env.TMPDIR = root;
  return () => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    try {
      rmSync(root, { recursive: true, force: true });
    } catch (err) {
      // A tmpfs a test failed to unmount: say so, the directory stays for a look.
      process.stderr.write(`\n!!! could not remove the test run's temporary directory ${root}: ${String(err)}\n`);
    }
  };
}
