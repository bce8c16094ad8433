// Bundles dist/cli.js (what `npm start`, the Docker image and the `trading-exporter` bin run) into
// one file after tsc has compiled it. Loading the exporter's ~130 modules and its dependencies'
// several hundred from separate files is most of the process's start-up time: resolving and
// reading each file costs more than compiling it. The library entry (dist/index.js) stays tsc's
// output, so applications importing it keep their own module graph.
//
// Kept out of the bundle: better-sqlite3 (a native addon found next to its package), and the
// packages loaded only when the configuration uses them (axios, nodemailer, mqtt; see their
// `requireLazily` call sites), so a process that does not use them never reads them. Also kept out:
// iconv-lite and mime-db, the two largest things express pulls in (555 kB of code-page tables and a
// 233 kB object literal). Bundled, all of it is parsed at start; from node_modules, iconv-lite reads
// its tables only for a body in a charset other than UTF-8 and mime-db is JSON, which parses faster
// than the same object as JavaScript. Empty start: 25 ms less, median of 15 alternating pairs.
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
  external: ["better-sqlite3", "axios", "nodemailer", "mqtt", "iconv-lite", "mime-db"],
  // Function and class names stay readable in stack traces and logs.
  keepNames: true,
  // Bundled CommonJS dependencies call require() for Node's built-ins; an ES module has none.
  banner: { js: 'import { createRequire as __createRequire } from "node:module";\nconst require = __createRequire(import.meta.url);' },
  logLevel: "warning",
});
