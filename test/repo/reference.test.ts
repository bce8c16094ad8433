// Every "§N" the code cites names a heading of docs/reference.md, so a reader can look it up; and no
// comment points at a document that is not in the repository.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "../..");
const REFERENCE = readFileSync(join(ROOT, "docs/reference.md"), "utf8");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );
}

/** Section numbers cited as "§N" (ranges "§5–§7" give both ends); RFC sections ("RFC 9110 §10.2.3") are not ours. */
function citedSections(text: string): number[] {
  return [...text.matchAll(/(?<!RFC \d+ )§(\d+)(?![.\d])/g)].map((m) => Number(m[1]));
}

describe("docs/reference.md", () => {
  const headings = new Set([...REFERENCE.matchAll(/^## §(\d+) /gm)].map((m) => Number(m[1])));

  it("has the headings §1 to §19, in order", () => {
    const order = [...REFERENCE.matchAll(/^## §(\d+) /gm)].map((m) => Number(m[1]));
    expect(order).toEqual(Array.from({ length: 19 }, (_, i) => i + 1));
  });

  it("finds citations the way the code writes them", () => {
    expect(citedSections("see §7; §5–§7, not RFC 9110 §10.2.3")).toEqual([7, 5, 7]);
  });

  it("resolves every §N cited under src/", () => {
    const files = sourceFiles(join(ROOT, "src"));
    const cited = files.flatMap((f) => citedSections(readFileSync(f, "utf8")).map((n) => ({ file: relative(ROOT, f), n })));
    expect(cited.length).toBeGreaterThan(50);
    expect(cited.filter(({ n }) => !headings.has(n))).toEqual([]);
  });

  it("is the only contract the code points at: no citation of a document outside the repository", () => {
    const files = sourceFiles(join(ROOT, "src"));
    const offenders = files.filter((f) => /\bSPEC\b/.test(readFileSync(f, "utf8"))).map((f) => relative(ROOT, f));
    expect(offenders).toEqual([]);
  });
});
