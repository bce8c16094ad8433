// The committed dashboards validate against Grafana's own dashboard model: the types @grafana/schema
// generates from Grafana's CUE schema, applied by the TypeScript compiler to each JSON file (see
// helpers/grafana-schema-check.ts). The builder's output type is checked against the same model in
// grafana-schema-conformance.ts. Deliberately broken copies of a dashboard prove the check rejects them.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { checkAgainstGrafanaSchema, type SchemaVerdict } from "./helpers/grafana-schema-check.js";

const root = join(import.meta.dirname, "..", "..");
const DASHBOARD_FILES = ["trading-overview", "trading-bot", "trading-exporter"].map((name) => `grafana/dashboards/${name}.json`);
const CONFORMANCE_FILE = join(import.meta.dirname, "grafana-schema-conformance.ts");

// `any` only to break parsed JSON copies below; the check itself sees plain JSON text.
type Json = Record<string, any>;
const overview = (): Json => JSON.parse(readFileSync(join(root, "grafana/dashboards/trading-overview.json"), "utf8")) as Json;
const firstPanel = (d: Json, type: string): Json => d.panels.find((p: Json) => p.type === type);

// Each case breaks one thing Grafana's model constrains; the message is what tsc must say about it.
const BROKEN: { name: string; breakIt: (d: Json) => void; message: RegExp }[] = [
  {
    name: "gridPos height as a string",
    breakIt: (d) => (firstPanel(d, "timeseries").gridPos.h = "8"),
    message: /'string' is not assignable to type 'number'/,
  },
  {
    name: "panel datasource as a number",
    breakIt: (d) => (firstPanel(d, "stat").datasource = 3),
    message: /'number' has no properties in common/,
  },
  {
    name: "typo'd panel key",
    breakIt: (d) => {
      const p = firstPanel(d, "stat");
      p.gridpos = p.gridPos;
      delete p.gridPos;
    },
    message: /"gridpos"' does not exist/,
  },
  { name: "unknown graphTooltip mode", breakIt: (d) => (d.graphTooltip = 7), message: /'7' is not assignable to type '0 \| 1 \| 2/ },
  {
    name: "unknown value-mapping type",
    breakIt: (d) => (firstPanel(d, "state-timeline").fieldConfig.defaults.mappings[0].type = "valeu"),
    message: /"valeu"/,
  },
  {
    name: "unknown thresholds mode",
    breakIt: (d) => (firstPanel(d, "state-timeline").fieldConfig.defaults.thresholds.mode = "relative"),
    message: /"relative"/,
  },
  { name: "variable refresh outside 0..2", breakIt: (d) => (d.templating.list[1].refresh = 3), message: /'3' is not assignable/ },
  // (A row missing `collapsed` is NOT caught: Grafana types Panel.type as any string, so a broken row still
  // passes as a generic Panel. The zod schema in dashboards.test.ts covers rows.)
  { name: "panel without a type", breakIt: (d) => delete firstPanel(d, "timeseries").type, message: /'type' is missing/ },
  {
    name: "dashboard link without icon",
    breakIt: (d) => delete d.links[0].icon,
    message: /missing the following properties.*icon|'icon' is missing/,
  },
  { name: "no schemaVersion", breakIt: (d) => delete d.schemaVersion, message: /'schemaVersion' is missing/ },
];

describe("dashboards against Grafana's own schema (@grafana/schema)", () => {
  let verdicts: Record<string, SchemaVerdict>;

  beforeAll(() => {
    // One compiler program for everything: the committed files, the broken copies and the conformance file.
    const documents: Record<string, string> = {};
    for (const path of DASHBOARD_FILES) documents[path] = readFileSync(join(root, path), "utf8");
    for (const broken of BROKEN) {
      const dashboard = overview();
      broken.breakIt(dashboard);
      documents[`broken: ${broken.name}`] = JSON.stringify(dashboard, null, 2);
    }
    verdicts = checkAgainstGrafanaSchema(documents, [CONFORMANCE_FILE]);
  });

  it.each(DASHBOARD_FILES)("%s is a Grafana Dashboard", (path) => {
    expect(verdicts[path]?.errors).toEqual([]);
  });

  it("the builder's output type conforms (grafana-schema-conformance.ts compiles, its wrong cases are rejected)", () => {
    expect(verdicts["test/bundle/grafana-schema-conformance.ts"]?.errors).toEqual([]);
  });

  it.each(BROKEN)("rejects a dashboard with $name", ({ name, message }) => {
    const errors = verdicts[`broken: ${name}`]?.errors;
    expect(errors, "the broken copy was not checked").toBeDefined();
    expect(errors!.length, `${name} was accepted`).toBeGreaterThan(0);
    expect(errors!.join("\n")).toMatch(message);
  });
});
