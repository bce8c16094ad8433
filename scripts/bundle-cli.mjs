// Bundles dist/cli.js (what `npm start`, the Docker image and the `trading-exporter` bin run) into
// one file after tsc has compiled it. Loading the exporter's ~130 modules and its dependencies'
// several hundred from separate files is most of the process's start-up time: resolving and
// reading each file costs more than compiling it. The library entry (dist/index.js) stays tsc's
// output, so applications importing it keep their own module graph.
//
// Kept out of the bundle: better-sqlite3 (a native addon found next to its package), and the
// packages loaded only when the configuration uses them (axios, nodemailer, mqtt; see their
// `requireLazily` call sites), so a process that does not use them never reads them.
import { readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";

// The directory tsc compiled into (a test bundles a private copy elsewhere).
const dist = process.argv[2] ?? "dist";

// Chunks of an earlier build carry other hashes; tsc does not know them.
for (const name of readdirSync(dist)) if (/^cli-[A-Z0-9]+\.js$/.test(name)) rmSync(join(dist, name));

await build({
  entryPoints: [join(dist, "cli.js")],
  outdir: dist,
  allowOverwrite: true,
  bundle: true,
  // What only one verb needs (the exporter for serve, the sender for send) goes into its own chunk,
  // loaded when that verb runs. Chunks sit beside cli.js so paths resolved from import.meta.url
  // (web/, package.json) stay the same as in tsc's output.
  splitting: true,
  chunkNames: "cli-[hash]",
  platform: "node",
  format: "esm",
  target: "node20",
  external: ["better-sqlite3", "axios", "nodemailer", "mqtt"],
  // Function and class names stay readable in stack traces and logs.
  keepNames: true,
  // Bundled CommonJS dependencies call require() for Node's built-ins; an ES module has none.
  banner: { js: 'import { createRequire as __createRequire } from "node:module";\nconst require = __createRequire(import.meta.url);' },
  logLevel: "warning",
});
