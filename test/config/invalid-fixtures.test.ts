// blackbox_exporter-style testdata: every invalid-*.yaml names, in its header, the error text the
// loader must produce (`# error: …`) and text that must never appear, such as a secret (`# not: …`).
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config/index.js";

const DIR = join(import.meta.dirname, "../fixtures/config");
const fixtures = readdirSync(DIR)
  .filter((f) => /^invalid-.*\.yaml$/.test(f))
  .sort();

function header(file: string): { errors: string[]; absent: string[] } {
  const lines = readFileSync(join(DIR, file), "utf8").split("\n");
  const pick = (tag: string) => lines.filter((l) => l.startsWith(`# ${tag}: `)).map((l) => l.slice(tag.length + 4).trimEnd());
  return { errors: pick("error"), absent: pick("not") };
}

function loadError(file: string): ConfigError {
  try {
    loadConfig({ file, env: {} });
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error(`${file} loaded without error`);
}

describe("invalid config fixtures", () => {
  it("there are enough of them, each stating the error it expects", () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(15);
    for (const f of fixtures) expect(header(f).errors, f).not.toHaveLength(0);
  });

  it.each(fixtures)("%s is rejected with the stated errors, each on a line naming the file", (name) => {
    const file = join(DIR, name);
    const { errors, absent } = header(name);
    const err = loadError(file);
    expect(err.name).toBe("ConfigError");
    expect(err.message).toBe(err.problems.join("\n"));
    for (const expected of errors) {
      const line = err.problems.find((p) => p.includes(expected));
      expect(line, `expected a problem containing ${JSON.stringify(expected)}, got:\n${err.message}`).toBeDefined();
      expect(line!.startsWith(file)).toBe(true);
    }
    for (const secret of absent) expect(err.message).not.toContain(secret);
  });

  it("reports every problem of a file at once, not just the first", () => {
    const err = loadError(join(DIR, "invalid-freqtrade-source.yaml"));
    expect(err.problems.length).toBeGreaterThanOrEqual(5);
  });
});
