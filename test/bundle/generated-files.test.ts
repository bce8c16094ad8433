// The committed rules and dashboards are exactly what the TypeScript sources generate.
// On failure: npx tsx scripts/generate-bundle.ts
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bundleFiles } from "../../src/bundle/files.js";
import { renderRules } from "../../src/bundle/rules.js";

const root = join(import.meta.dirname, "..", "..");

describe("generated bundle files", () => {
  it.each(bundleFiles().map((file) => [file.path, file.content] as const))("%s is up to date", (path, content) => {
    const target = join(root, path);
    expect(existsSync(target), `${path} is missing: run npx tsx scripts/generate-bundle.ts`).toBe(true);
    expect(readFileSync(target, "utf8"), `${path} is stale: run npx tsx scripts/generate-bundle.ts`).toBe(content);
  });

  it("the committed rules file is renderRules() with the defaults (what `trading-exporter rules` prints)", () => {
    expect(readFileSync(join(root, "prometheus/rules/trading-alerts.yml"), "utf8")).toBe(renderRules());
  });

  it("no stray dashboard JSON that the generator no longer produces", () => {
    const generated = new Set(bundleFiles().map((file) => file.path));
    const committed = readdirSync(join(root, "grafana/dashboards")).map((name) => `grafana/dashboards/${name}`);
    expect(committed.filter((path) => !generated.has(path))).toEqual([]);
  });

  it("renderRules points the dashboard links at another Grafana when asked", () => {
    const rules = renderRules({ grafanaUrl: "https://grafana.example.com/" });
    expect(rules).toContain("dashboard: https://grafana.example.com/d/trading-bot/trading-bot?var-bot={{ $labels.bot | urlquery }}");
    expect(rules).not.toContain("localhost:3000");
  });
});
