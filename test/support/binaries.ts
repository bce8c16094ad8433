// Finds the external binaries some tests need (promtool, prometheus, amtool, prometheus-alertmanager,
// docker-compose, chromium...). Locally a missing binary skips those tests with a loud message; in CI
// (CI=true) a missing binary is an error, so a skipped test can never pass for a run.
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";

/** The absolute path of the first executable called `name` on PATH, or undefined. */
export function findOnPath(name: string, path = process.env.PATH ?? ""): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

export interface RequiredBinary {
  /** Absolute path, or undefined when missing outside CI (the caller then skips). */
  path: string | undefined;
  /** Why the dependent tests are skipped (undefined when found). */
  skipReason: string | undefined;
}

/**
 * Looks up the first of `names` found on PATH (several names cover distro spellings, e.g.
 * `prometheus-alertmanager` on Debian and `alertmanager` elsewhere).
 * Throws when none is found and CI=true; otherwise prints a loud warning once and returns a skip reason.
 */
export function requireBinary(names: string | string[], installHint: string): RequiredBinary {
  const list = Array.isArray(names) ? names : [names];
  for (const name of list) {
    const path = findOnPath(name);
    if (path) return { path, skipReason: undefined };
  }
  const message = `required binary ${list.join(" / ")} not found on PATH (install: ${installHint})`;
  if (process.env.CI === "true") {
    throw new Error(`${message}; CI=true, so this is a failure, not a skip`);
  }
  warnOnce(message);
  return { path: undefined, skipReason: message };
}

const warned = new Set<string>();

/** Prints a skip loudly, once per message. */
export function warnOnce(message: string): void {
  if (warned.has(message)) return;
  warned.add(message);
  const bar = "!".repeat(Math.min(100, message.length + 12));
  console.warn(`\n${bar}\n!!! SKIPPING: ${message}\n${bar}\n`);
}
