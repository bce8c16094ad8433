// Checks dashboard JSON against Grafana's own dashboard types (@grafana/schema) with the TypeScript
// compiler: each JSON document becomes `const dashboard: JsonOf<GrafanaDashboard> = <the JSON>;` in an
// in-memory source file, and whatever tsc reports about it is the verdict. An object literal gets tsc's
// full checking: wrong value types, missing required fields, unknown enum values and unknown keys
// (excess-property errors), so a typo'd key fails just as a wrong type does.
import { join, relative } from "node:path";
import ts from "typescript";

const helpers = import.meta.dirname;
const root = join(helpers, "..", "..", "..");

// The project's own settings (tsconfig.json), minus emit and ambient @types that the check doesn't need.
const OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  lib: ["lib.es2023.d.ts", "lib.dom.d.ts"],
  strict: true,
  noUncheckedIndexedAccess: true,
  skipLibCheck: true,
  noEmit: true,
  types: [],
};

export interface SchemaVerdict {
  /** tsc's messages for this document, `line:column message`, lines counted in the JSON text. */
  errors: string[];
}

/**
 * Type-checks each JSON text against Grafana's `Dashboard`. `extraFiles` (real .ts files) are compiled in
 * the same program, so their errors come back too under their own path.
 */
export function checkAgainstGrafanaSchema(documents: Record<string, string>, extraFiles: string[] = []): Record<string, SchemaVerdict> {
  const HEADER = [
    'import type { GrafanaDashboard, JsonOf } from "./grafana-json.js";',
    "export const dashboard: JsonOf<GrafanaDashboard> = ",
  ];
  const virtual = new Map<string, string>();
  const nameOf = new Map<string, string>();
  for (const [name, json] of Object.entries(documents)) {
    JSON.parse(json); // must be JSON, not merely a TypeScript expression
    const file = join(helpers, `.grafana-check-${name.replace(/[^\w-]/g, "_")}.ts`);
    if (virtual.has(file)) throw new Error(`two documents map to ${file}: rename one`);
    virtual.set(file, `${HEADER.join("\n")}${json};\n`);
    nameOf.set(file, name);
  }

  const host = ts.createCompilerHost(OPTIONS, true);
  const getSourceFile = host.getSourceFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  const readFile = host.readFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, ...rest) => {
    const text = virtual.get(fileName);
    return text === undefined ? getSourceFile(fileName, languageVersion, ...rest) : ts.createSourceFile(fileName, text, languageVersion);
  };
  host.fileExists = (fileName) => virtual.has(fileName) || fileExists(fileName);
  host.readFile = (fileName) => virtual.get(fileName) ?? readFile(fileName);

  const program = ts.createProgram([...virtual.keys(), ...extraFiles], OPTIONS, host);
  const global = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()];
  if (global.length > 0) throw new Error(`TypeScript setup is broken: ${global.map(message).join("; ")}`);

  const verdicts: Record<string, SchemaVerdict> = {};
  for (const file of [...virtual.keys(), ...extraFiles]) {
    const source = program.getSourceFile(file);
    if (!source) throw new Error(`TypeScript did not load ${file}`);
    const diagnostics = [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)];
    const lineOffset = virtual.has(file) ? HEADER.length - 1 : 0;
    verdicts[nameOf.get(file) ?? relative(root, file)] = {
      errors: diagnostics.map((d) => {
        if (d.start === undefined) return message(d);
        const { line, character } = source.getLineAndCharacterOfPosition(d.start);
        return `${line + 1 - lineOffset}:${character + 1} ${message(d)}`;
      }),
    };
  }
  return verdicts;
}

function message(diagnostic: ts.Diagnostic): string {
  return ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n");
}
