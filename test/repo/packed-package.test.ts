// The package as npm delivers it: built, packed with `npm pack` (so the `files` list decides what is
// in it), installed into an empty project with only its `dependencies`, then used the three ways a
// user does: the `trading-exporter` bin, `import` of the library, and a TypeScript consumer checked
// against the shipped .d.ts files. A declaration that names a package the user doesn't get (an
// @types package kept in devDependencies) fails the type check here.
//
// Install scripts are skipped (better-sqlite3 would download or compile its addon), so nothing here
// opens a database: test/repo/bundled-cli.test.ts serves from the built CLI.
import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempDir } from "../support/exporter.js";
import { REPO_ROOT } from "../support/process.js";

const run = promisify(execFile);
const TSC = join(REPO_ROOT, "node_modules/typescript/bin/tsc");
const PACKAGE_FILES = ["package.json", "README.md", "LICENSE", "web", "prometheus", "alertmanager", "grafana"];

describe("the packed npm package", () => {
  const root = tempDir("te-pack-");
  const pkg = join(root, "package");
  const app = join(root, "consumer");
  const bin = join(app, "node_modules/.bin/trading-exporter");

  beforeAll(async () => {
    // A private copy to build and pack, so no other test ever sees a half-written dist/.
    mkdirSync(pkg);
    for (const f of PACKAGE_FILES) cpSync(join(REPO_ROOT, f), join(pkg, f), { recursive: true });
    await run(process.execPath, [TSC, "-p", "tsconfig.build.json", "--outDir", join(pkg, "dist")], { cwd: REPO_ROOT });
    // The CLI bundler resolves the dependencies it inlines from node_modules beside dist/.
    symlinkSync(join(REPO_ROOT, "node_modules"), join(pkg, "node_modules"));
    await run(process.execPath, [join(REPO_ROOT, "scripts/bundle-cli.mjs"), join(pkg, "dist")], { cwd: REPO_ROOT });
    rmSync(join(pkg, "node_modules"));
    // Built already: `prepare` would build once more into this copy.
    await run("npm", ["pack", "--ignore-scripts", "--pack-destination", root], { cwd: pkg });
    const tarball = readdirSync(root).find((f) => f.endsWith(".tgz"));
    if (!tarball) throw new Error("npm pack wrote no tarball");

    mkdirSync(app);
    writeFileSync(join(app, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
    // @types/node is the consumer's own, as in any TypeScript project on Node.
    await run(
      "npm",
      ["install", "--prefer-offline", "--ignore-scripts", "--no-audit", "--no-fund", join(root, tarball), "@types/node@20"],
      { cwd: app, maxBuffer: 16 * 1024 * 1024 },
    );
    writeFileSync(
      join(app, "consumer.ts"),
      `import { createExporterFromOptions, parseConfig, TradingExporterClient, type EventInput, type Exporter, type PerformanceSnapshot } from "trading-exporter";

const trade: EventInput = { type: "trade", bot: "consumer-bot", id: "t-1", pnl: 12.5 };
export const client = new TradingExporterClient({ baseUrl: "http://127.0.0.1:10077", secret: "s".repeat(32) });
export const config = parseConfig({ metrics: { initial_equity: 1000 } });

export async function start(): Promise<{ exporter: Exporter; pnl: number }> {
  const exporter = await createExporterFromOptions({ data_dir: "./data" });
  await exporter.ingest(trade);
  const perf: PerformanceSnapshot = exporter.engine.performance("consumer-bot");
  return { exporter, pnl: perf.total_pnl };
}
`,
    );
    // skipLibCheck off: an import in a shipped .d.ts that resolves to no types is an error, not a silent any.
    const tsconfig = {
      compilerOptions: {
        module: "NodeNext",
        moduleResolution: "NodeNext",
        target: "ES2022",
        strict: true,
        noEmit: true,
        skipLibCheck: false,
      },
      files: ["consumer.ts"],
    };
    writeFileSync(join(app, "tsconfig.json"), JSON.stringify(tsconfig));
  }, 240_000);

  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("holds the built files and none of the sources or tests", async () => {
    const installed = join(app, "node_modules/trading-exporter");
    for (const f of ["dist/index.js", "dist/index.d.ts", "dist/cli.js", "web/index.html", "prometheus/rules/trading-alerts.yml"]) {
      expect(existsSync(join(installed, f)), f).toBe(true);
    }
    for (const f of ["src", "test", "bench", "tsconfig.json"]) expect(existsSync(join(installed, f)), f).toBe(false);
    const devOnly = ["vitest", "typescript", "eslint", "dependency-cruiser", "esbuild"];
    expect(devOnly.filter((p) => existsSync(join(app, "node_modules", p)))).toEqual([]);
  });

  it("runs the trading-exporter bin: --help and check-config", async () => {
    const help = await run(bin, ["--help"], { cwd: app });
    expect(help.stdout).toMatch(/Usage: trading-exporter/);
    const check = await run(bin, ["check-config", "--config", join(REPO_ROOT, "test/fixtures/config/full.yaml")], {
      cwd: app,
      env: { ...process.env, TRADING_EXPORTER_CONFIG: "" },
    });
    expect(check.stdout).toMatch(/^configuration is valid/);
    expect(check.stdout).toContain('"max_bots": 25');
  });

  it("imports as an ES module: the config parser, the event schema and the engine compute a trade", async () => {
    const script = `
      import { Engine, ManualClock, eventInputSchema, parseConfig, createExporter, TradingExporterClient } from "trading-exporter";
      const config = parseConfig({ metrics: { initial_equity: 1000 } });
      const input = { type: "trade", bot: "packed", id: "t-1", pnl: 12.5, ts: "2026-01-05T10:00:00Z" };
      const valid = eventInputSchema.safeParse(input).success;
      const engine = new Engine({ ...config.metrics, bots: {} }, new ManualClock(Date.parse("2026-01-05T12:00:00Z")));
      engine.apply({ ...input, ts: Date.parse(input.ts) });
      const perf = engine.performance("packed");
      console.log(JSON.stringify({ valid, equity: perf.equity, total_pnl: perf.total_pnl, wins: perf.trades.wins,
        functions: [typeof createExporter, typeof TradingExporterClient] }));
    `;
    const { stdout } = await run(process.execPath, ["--input-type=module", "-e", script], { cwd: app });
    expect(JSON.parse(stdout)).toEqual({ valid: true, equity: 1012.5, total_pnl: 12.5, wins: 1, functions: ["function", "function"] });
  });

  it("type-checks a TypeScript consumer against the shipped declarations (skipLibCheck off)", async () => {
    const result = await run(process.execPath, [TSC, "-p", "tsconfig.json"], { cwd: app }).catch((err: Error & { stdout?: string }) => ({
      stdout: err.stdout ?? err.message,
    }));
    expect(result.stdout.trim()).toBe("");
  }, 120_000);

  it("brings the types of every package its declarations import", () => {
    // The same thing the type check proves, said per package, so a failure names the missing one.
    const dist = join(app, "node_modules/trading-exporter/dist");
    const imported = new Set<string>();
    for (const file of readdirSync(dist, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".d.ts"))) {
      for (const m of readFileSync(join(dist, file), "utf8").matchAll(/from "([^."][^"]*)"/g)) {
        const name = m[1]!.startsWith("@") ? m[1]!.split("/").slice(0, 2).join("/") : m[1]!.split("/")[0]!;
        if (!name.startsWith("node:")) imported.add(name);
      }
    }
    expect([...imported].sort()).toEqual(expect.arrayContaining(["better-sqlite3", "express", "zod"]));
    const untyped = [...imported].filter((name) => {
      const own = JSON.parse(readFileSync(join(app, "node_modules", name, "package.json"), "utf8")) as Record<string, unknown>;
      const ships = own.types !== undefined || own.typings !== undefined || existsSync(join(app, "node_modules", name, "index.d.ts"));
      return !ships && !existsSync(join(app, "node_modules/@types", name.replace(/^@([^/]+)\//, "$1__")));
    });
    expect(untyped).toEqual([]);
  });
});
