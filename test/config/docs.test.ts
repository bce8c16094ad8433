// docs/configuration.md stays a complete reference: every key of the schema and every env var is in it.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ENV_VARS, knownKeysAt } from "../../src/config/index.js";
import { TRIGGER_IDS } from "../../src/domain/trigger-defaults.js";
import { SOURCE_KEYS } from "../../src/sources/definitions/index.js";

const DOC = readFileSync(join(import.meta.dirname, "../../docs/configuration.md"), "utf8");

/** Every leaf key path, with `<name>` for bot names, `<id>` for trigger ids and `[]` for list items. */
function leafPaths(path: (string | number)[] = [], shown: string[] = []): string[] {
  const out: string[] = [];
  for (const key of knownKeysAt(path)) {
    const inTriggers = ["triggers", "groups_triggers"].includes(String(path[path.length - 1]));
    const next = [...path, key];
    const label = [...shown, inTriggers ? "<id>" : key];
    if (next.join(".") === "bots") out.push(...leafPaths([...next, "x"], [...label, "<name>"]));
    else if (SOURCE_KEYS.some((k) => `sources.${k}` === next.join("."))) {
      out.push(...leafPaths([...next, 0], [...label.slice(0, -1), `${key}[]`]));
    } else if (knownKeysAt(next).length > 0) out.push(...leafPaths(next, label));
    else out.push(label.join("."));
  }
  return [...new Set(out)];
}

describe("docs/configuration.md", () => {
  const paths = leafPaths();

  it("finds the keys by walking the schema", () => {
    expect(paths).toContain("metrics.window_trades");
    expect(paths).toContain("bots.<name>.triggers.<id>.threshold");
    expect(paths).toContain("sources.freqtrade[].password_file");
    expect(paths.length).toBeGreaterThan(60);
  });

  it("documents every key", () => {
    const missing = paths.filter(
      (p) => !DOC.includes(`\`${p}\``) && !(p.startsWith("bots.<name>.triggers.") && DOC.includes("`bots.<name>.triggers.<id>.*`")),
    );
    expect(missing).toEqual([]);
  });

  it("documents every environment variable and every trigger id", () => {
    for (const v of [...ENV_VARS.map((e) => e.name), "TRADING_EXPORTER_CONFIG"]) expect(DOC).toContain(`\`${v}\``);
    for (const id of TRIGGER_IDS) expect(DOC).toContain(`\`${id}\``);
  });
});
