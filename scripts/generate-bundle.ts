// Regenerates the committed bundle files from their TypeScript sources:
//   npx tsx scripts/generate-bundle.ts
// test/bundle/generated-files.test.ts fails when a committed file differs from what this writes.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { bundleFiles } from "../src/bundle/files.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

for (const file of bundleFiles()) {
  const target = join(root, file.path);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, file.content);
  console.log(`wrote ${file.path}`);
}
