// The layer rules of docs/architecture.md (.dependency-cruiser.cjs): src/ keeps them, and each rule
// really fires. The second half cruises a small throwaway tree in which every file breaks one rule,
// so a rule that stops matching (a typo in a path, a renamed folder) fails here instead of letting
// every crossing through unnoticed.
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../support/process.js";

const run = promisify(execFile);
const DEPCRUISE = join(REPO_ROOT, "node_modules/dependency-cruiser/bin/dependency-cruise.mjs");
const CONFIG = join(REPO_ROOT, ".dependency-cruiser.cjs");

interface Violation {
  from: string;
  to: string;
  rule: { name: string; severity: string };
}

/** Cruises `src` under `cwd` with the repository's rules; depcruise exits non-zero on violations, the JSON says which. */
async function cruise(cwd: string): Promise<{ violations: Violation[]; modules: number }> {
  const result = await run(process.execPath, [DEPCRUISE, "src", "--config", CONFIG, "--output-type", "json"], {
    cwd,
    maxBuffer: 64 * 1024 * 1024,
  }).catch((err: Error & { stdout?: string; stderr?: string }) => {
    if (!err.stdout) throw new Error(`depcruise failed: ${err.stderr ?? err.message}`);
    return { stdout: err.stdout };
  });
  const out = JSON.parse(result.stdout) as { summary: { violations: Violation[]; totalCruised: number } };
  return { violations: out.summary.violations, modules: out.summary.totalCruised };
}

describe("layer rules", () => {
  it("src/ has no crossing", async () => {
    const { violations, modules } = await cruise(REPO_ROOT);
    expect(modules, "the cruise saw the source tree").toBeGreaterThan(100);
    expect(violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`)).toEqual([]);
  }, 60_000);

  describe("each rule fires on a deliberate crossing", () => {
    const dir = mkdtempSync(join(tmpdir(), "te-layers-"));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const file = (path: string, text: string) => {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    };
    // Packages resolve from the repository's node_modules, as they would in src/.
    symlinkSync(join(REPO_ROOT, "node_modules"), join(dir, "node_modules"), "dir");
    file("tsconfig.json", JSON.stringify({ compilerOptions: { module: "NodeNext", moduleResolution: "NodeNext", strict: true } }));
    file("src/store/journal.ts", "export class Journal {}\n");
    file("src/notify/types.ts", "export type ChannelName = string;\n");
    file("src/http/app.ts", "export const app = 1;\n");
    file("src/domain/clean.ts", 'import { z } from "zod";\nimport { createHash } from "node:crypto";\nexport const s = [z, createHash];\n');
    file("src/domain/leak.ts", 'import { Journal } from "../store/journal.js";\nexport const j = Journal;\n');
    file("src/engine/leak.ts", 'import type { Journal } from "../store/journal.js";\nexport type J = Journal;\n');
    file("src/engine/disk.ts", 'import { readFileSync } from "node:fs";\nexport const r = readFileSync;\n');
    file("src/engine/sqlite.ts", 'import Database from "better-sqlite3";\nexport const d = Database;\n');
    file("src/config/serve.ts", 'import { app } from "../http/app.js";\nexport const a = app;\n');
    // The config may read the channel registry, and nothing behind it.
    file("src/notify/channels/slack.ts", "export const slack = 1;\n");
    file("src/notify/channels/index.ts", 'import { slack } from "./slack.js";\nexport const CHANNELS = [slack];\n');
    file("src/config/registry.ts", 'import { CHANNELS } from "../notify/channels/index.js";\nexport const c = CHANNELS;\n');
    file("src/config/channel.ts", 'import { slack } from "../notify/channels/slack.js";\nexport const s = slack;\n');
    file("src/store/notifies.ts", 'import type { ChannelName } from "../notify/types.js";\nexport type C = ChannelName;\n');
    file("src/domain/a.ts", 'import { b } from "./b.js";\nexport const a = () => b;\n');
    file("src/domain/b.ts", 'import { a } from "./a.js";\nexport const b = () => a;\n');

    it("names every crossing and only those", async () => {
      const { violations } = await cruise(dir);
      // node_modules is a symlink here, so packages resolve to its real path.
      const found = violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to.replace(/^.*\/node_modules\//, "node_modules/")}`).sort();
      const cycles = found.filter((f) => f.startsWith("no-circular: "));
      expect(cycles, "the a ⇄ b cycle, reported once").toHaveLength(1);
      expect(cycles[0]).toMatch(/^no-circular: src\/domain\/(a|b)\.ts → src\/domain\/(a|b)\.ts$/);
      expect(found.filter((f) => !cycles.includes(f))).toEqual(
        [
          "config-reads-no-io-layer: src/config/serve.ts → src/http/app.ts",
          "config-reads-no-io-layer: src/config/channel.ts → src/notify/channels/slack.ts",
          "domain-is-pure: src/domain/leak.ts → src/store/journal.ts",
          "engine-does-no-io: src/engine/disk.ts → fs",
          "engine-does-no-io: src/engine/leak.ts → src/store/journal.ts",
          "engine-does-no-io: src/engine/sqlite.ts → node_modules/better-sqlite3/lib/index.js",
          "io-layers-meet-only-at-the-root: src/store/notifies.ts → src/notify/types.ts",
        ].sort(),
      );
      expect(
        violations.every((v) => v.rule.severity === "error"),
        "every rule fails the build",
      ).toBe(true);
    }, 60_000);
  });
});
