// The command line of `trading-exporter send`: `--name value` words read into a map, then read back
// typed (number, integer, boolean, one of a list, time). Every flag the verb knows is listed here, and
// one the chosen kind does not read is reported, so a typo is never silently dropped.
import { parseBoolean } from "../config/env.js";

/** A mistake in the command line: printed with the usage, exit code 2. */
export class UsageError extends Error {}

const VALUE_FLAGS = new Set([
  "bot",
  "ts",
  "url",
  "secret",
  "secret-file",
  "id",
  "pnl",
  "symbol",
  "side",
  "return",
  "opened-at",
  "equity",
  "active",
  "reason",
  "open",
  "max",
  "status",
  "latency-ms",
  "file",
  "amount",
]);

/** `--name value` and `--name=value`. The value is always the next word, so `--pnl -12.5` works. */
export function parseFlags(args: string[]): { kind: string | undefined; flags: Map<string, string>; help: boolean } {
  const flags = new Map<string, string>();
  let kind: string | undefined;
  let help = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--help" || arg === "-h") {
      help = true;
      continue;
    }
    if (!arg.startsWith("--")) {
      if (kind !== undefined) throw new UsageError(`unexpected argument "${arg}"`);
      kind = arg;
      continue;
    }
    const eq = arg.indexOf("=");
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    if (!VALUE_FLAGS.has(name)) throw new UsageError(`unknown option --${name}`);
    const value = eq < 0 ? args[++i] : arg.slice(eq + 1);
    if (value === undefined) throw new UsageError(`--${name} needs a value`);
    if (flags.has(name)) throw new UsageError(`--${name} given twice`);
    flags.set(name, value);
  }
  return { kind, flags, help };
}

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

export class Flags {
  private readonly used = new Set<string>();
  constructor(private readonly all: Map<string, string>) {}

  str(name: string, required = false): string | undefined {
    this.used.add(name);
    const v = this.all.get(name);
    if (v === undefined && required) throw new UsageError(`--${name} is required`);
    return v;
  }
  num(name: string, required = false): number | undefined {
    const v = this.str(name, required);
    if (v === undefined) return undefined;
    if (!NUMBER.test(v.trim()) || !Number.isFinite(Number(v))) throw new UsageError(`--${name} must be a number (got "${v}")`);
    return Number(v);
  }
  int(name: string, required = false): number | undefined {
    const n = this.num(name, required);
    if (n !== undefined && !Number.isInteger(n)) throw new UsageError(`--${name} must be an integer (got ${n})`);
    return n;
  }
  bool(name: string, required = false): boolean | undefined {
    const v = this.str(name, required);
    if (v === undefined) return undefined;
    const b = parseBoolean(v);
    if (b === undefined) throw new UsageError(`--${name} must be true or false (got "${v}")`);
    return b;
  }
  oneOf<T extends string>(name: string, values: readonly T[], required = false): T | undefined {
    const v = this.str(name, required);
    if (v !== undefined && !values.includes(v as T)) throw new UsageError(`--${name} must be one of ${values.join(", ")} (got "${v}")`);
    return v as T | undefined;
  }
  time(name: string): string | number | undefined {
    const v = this.str(name);
    return v !== undefined && /^\d+$/.test(v) ? Number(v) : v;
  }
  /** Options given that this kind does not use: a typo or a mix-up, never silently ignored. */
  unused(): string[] {
    return [...this.all.keys()].filter((k) => !this.used.has(k));
  }
}
