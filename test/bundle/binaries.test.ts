// test/support/binaries.ts: a missing binary skips locally and fails in CI.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { findOnPath, requireBinary } from "../support/binaries.js";

describe("binaries helper", () => {
  afterEach(() => vi.unstubAllEnvs());

  it("finds an executable on PATH and ignores a non-executable file", () => {
    const dir = mkdtempSync(join(tmpdir(), "trading-bin-"));
    try {
      writeFileSync(join(dir, "promtool-fake"), "#!/bin/sh\n");
      writeFileSync(join(dir, "not-executable"), "");
      chmodSync(join(dir, "promtool-fake"), 0o755);
      chmodSync(join(dir, "not-executable"), 0o644);
      expect(findOnPath("promtool-fake", `/nonexistent:${dir}`)).toBe(join(dir, "promtool-fake"));
      // root can read anything, but X_OK still needs an execute bit
      expect(findOnPath("not-executable", dir)).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("returns a skip reason locally and throws when CI=true", () => {
    vi.spyOn(console, "warn").mockImplementation(() => {});
    vi.stubEnv("CI", "");
    expect(requireBinary("no-such-binary-xyz", "apt-get install nothing").skipReason).toMatch(/no-such-binary-xyz not found/);
    vi.stubEnv("CI", "true");
    expect(() => requireBinary("no-such-binary-xyz", "apt-get install nothing")).toThrow(/CI=true/);
  });

  it("accepts the first of several names", () => {
    vi.stubEnv("CI", "true");
    expect(requireBinary(["no-such-binary-xyz", "sh"], "-").path).toMatch(/\/sh$/);
  });
});
