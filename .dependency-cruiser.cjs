// The layer rules of docs/architecture.md, checked by `npm run lint:layers` (and so by
// `npm run lint` and CI) and by test/repo/layers.test.ts. Type-only imports count: a type is
// vocabulary too, and a domain file that needs a store type has the wrong shape.

/** The folders that talk to the outside world; only the composition root may join two of them. */
const IO = "^src/(store|notify|http|openapi|live|sources|exposition)/";

/**
 * Crossings between I/O layers that are still wired directly instead of through the composition
 * root. Each is a debt, not a permission: remove the entry when the crossing is inverted, and add
 * none.
 */
const KNOWN_CROSSINGS = [
  // POST /api/v1/alerts/test sends through the notifier's channels itself.
  { from: "^src/http/alerts-router\\.ts$", layer: "^src/(http|openapi)/", to: "^src/notify/index\\.ts$" },
  // The export endpoints read the journal's database through the store's queries.
  { from: "^src/http/export-router\\.ts$", layer: "^src/(http|openapi)/", to: "^src/store/export-queries\\.ts$" },
  // The sources keep their read positions in the journal's state table.
  { from: "^src/sources/start\\.ts$", layer: "^src/sources/", to: "^src/store/journal\\.ts$" },
];
const KNOWN_FROM = KNOWN_CROSSINGS.map((c) => c.from);

/**
 * The registries of the extension points. Each channel and source declares its own config keys,
 * secrets and environment variables, so the config reads them here instead of naming each one
 * again (docs/architecture.md, "Extension points"). Only the registry file itself, never a channel
 * or source behind it.
 */
const REGISTRIES = ["^src/notify/channels/index\\.ts$", "^src/sources/definitions/index\\.ts$"];

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "domain-is-pure",
      comment:
        "src/domain/ is the shared vocabulary and the pure math: it imports only src/domain/, zod and node:crypto (signatures, ids), " +
        "so anything can depend on it and it depends on nothing that does I/O.",
      severity: "error",
      from: { path: "^src/domain/" },
      to: { pathNot: ["^src/domain/", "(^|/)node_modules/zod/", "^(node:)?crypto$"] },
    },
    {
      name: "engine-does-no-io",
      comment:
        "src/engine/ imports only src/domain/ and itself: no store, notifier, HTTP, live hub, source, exposition or config, no package " +
        "and no Node built-in. What it must persist it hands to an interface it declares (src/engine/alert-persistence.ts).",
      severity: "error",
      from: { path: "^src/engine/" },
      to: { pathNot: ["^src/(domain|engine)/"] },
    },
    {
      name: "config-reads-no-io-layer",
      comment:
        "src/config/ builds on the domain vocabulary; the I/O layers read the config, never the other way round. " +
        "The one exception: the registries of channels and sources, whose entries declare their own config sections.",
      severity: "error",
      from: { path: "^src/config/" },
      to: { path: [IO, "^src/ingest/", "^src/(exporter|alerting-runtime|digest-runtime|cli)\\.ts$", "^src/cli/"], pathNot: REGISTRIES },
    },
    {
      name: "io-layers-meet-only-at-the-root",
      comment:
        "An I/O layer (store, notify, live, sources, exposition) imports domain/, engine/, config/ and its own folder, and hands " +
        "writes to ingest/; two I/O layers are joined only by the composition root (src/exporter.ts, src/alerting-runtime.ts, src/digest-runtime.ts, src/cli/).",
      severity: "error",
      from: { path: "^src/(store|notify|live|sources|exposition)/", pathNot: KNOWN_FROM },
      to: { path: IO, pathNot: "^src/$1/" },
    },
    {
      name: "http-meets-other-io-only-at-the-root",
      comment: "The HTTP layer (src/http/ and the OpenAPI document that describes it) reaches the other I/O layers through the root.",
      severity: "error",
      from: { path: "^src/(http|openapi)/", pathNot: KNOWN_FROM },
      to: { path: "^src/(store|notify|live|sources|exposition)/" },
    },
    // A file with a known crossing may not grow another one.
    ...KNOWN_CROSSINGS.map((c) => ({
      name: "known-crossing-stays-narrow",
      comment: `${c.from} may reach ${c.to} until that crossing is inverted, and no other I/O layer.`,
      severity: "error",
      from: { path: c.from },
      to: { path: IO, pathNot: [c.layer, c.to] },
    })),
    {
      name: "ingest-is-the-write-path",
      comment:
        "src/ingest/ is the write path of the one-way flow (validate → store.append → engine.apply): it uses the store and the " +
        "engine, and nothing downstream of them.",
      severity: "error",
      from: { path: "^src/ingest/" },
      to: { path: "^src/(notify|http|openapi|live|sources|exposition)/" },
    },
    {
      name: "no-circular",
      comment: "A cycle makes two modules one; split the shared part out instead.",
      severity: "error",
      from: { path: "^src/" },
      to: { circular: true },
    },
    {
      name: "not-to-unresolvable",
      comment: "An import that resolves to nothing fails at run time.",
      severity: "error",
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default", "types"] },
  },
};
