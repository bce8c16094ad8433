// The in-repo copy of the golden cases must not drift from ../shared/golden/, their source.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { COPIED_GOLDEN_DIR, SHARED_GOLDEN_DIR } from "../support/golden.js";

describe("golden cases copy", () => {
  it.skipIf(!existsSync(SHARED_GOLDEN_DIR))("equals ../shared/golden/ file for file", () => {
    const shared = readdirSync(SHARED_GOLDEN_DIR).sort();
    expect(readdirSync(COPIED_GOLDEN_DIR).sort()).toEqual(shared);
    for (const f of shared) {
      expect(readFileSync(join(COPIED_GOLDEN_DIR, f), "utf8"), f).toBe(readFileSync(join(SHARED_GOLDEN_DIR, f), "utf8"));
    }
  });
});
