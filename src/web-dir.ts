// Where the built-in dashboard's files are: `web/` at the package root (one level above src/ and dist/).
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

export function defaultWebDir(): string | undefined {
  const dir = fileURLToPath(new URL("../web/", import.meta.url));
  return existsSync(`${dir}index.html`) ? dir : undefined;
}
