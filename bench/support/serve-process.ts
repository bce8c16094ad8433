// The exporter as users run it: `node dist/cli.js serve` (what `npm start` runs) in its own
// process, on a temp data directory and a free loopback port. `dist/` is rebuilt (`npm run build`)
// when any source file is newer; the smoke run uses the TypeScript sources through tsx instead, to skip the build.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

export function ensureBuilt(): void {
  let built = 0;
  try {
    built = statSync(join(ROOT, "dist/cli.js")).mtimeMs;
  } catch {
    // not built yet
  }
  if (built < newestMtime(join(ROOT, "src"))) {
    // The whole build, bundle included: tsc alone leaves an unbundled dist/cli.js, whose start-up
    // is mostly module loading and not what users run.
    process.stderr.write("  building dist/ (npm run build)\n");
    execFileSync("npm", ["run", "build"], { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"] });
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Linux's clock ticks per second in /proc (USER_HZ, 100 on every architecture Node runs on). */
const USER_HZ = 100;

/** CPU time a process has used, from /proc/<pid>/stat (utime and stime, fields 14 and 15). */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // The command name (field 2) is in parentheses and may hold spaces: count from after it.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / USER_HZ;
}

export interface ServeProcess {
  child: ChildProcess;
  url: string;
  /** Milliseconds from spawn to the first 200 from /readyz. */
  readyMs: number;
  /**
   * CPU time (user + system, all threads) the process used until then: on a machine shared with
   * other work the wall time above grows with the load, this much less.
   */
  readyCpuMs: number;
  rssMiB(): number;
  /** SIGTERM (clean stop with a final snapshot) or SIGKILL; resolves when the process is gone. */
  stop(signal: "SIGTERM" | "SIGKILL"): Promise<number>;
}

export async function startServe(opts: {
  dataDir: string;
  secret: string;
  maxBots: number;
  fromSources: boolean;
  /** Flags for node itself, before the script (V8's heap flags, say). */
  nodeFlags?: readonly string[];
}): Promise<ServeProcess> {
  const port = await freePort();
  const configFile = join(opts.dataDir, "bench-config.yaml");
  writeFileSync(
    configFile,
    `listen: "127.0.0.1:${port}"\ndata_dir: "${opts.dataDir}"\nmax_bots: ${opts.maxBots}\nlog_level: warn\nauth:\n  hmac_secrets: ["${opts.secret}"]\n`,
  );
  const args = opts.fromSources ? ["--import", "tsx", join(ROOT, "src/cli.ts")] : [join(ROOT, "dist/cli.js")];
  const started = performance.now();
  const child = spawn(process.execPath, [...(opts.nodeFlags ?? []), ...args, "serve", "--config", configFile], {
    cwd: ROOT,
    stdio: ["ignore", "ignore", "inherit"],
  });
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  for (;;) {
    if (child.exitCode !== null) throw new Error(`serve exited with ${child.exitCode}`);
    const ok = await fetch(`${url}/readyz`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) break;
    await new Promise((r) => setTimeout(r, 5));
  }
  const readyMs = performance.now() - started;
  return {
    child,
    url,
    readyMs,
    readyCpuMs: cpuMs(child.pid!),
    rssMiB() {
      const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
      return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN) / 1024);
    },
    async stop(signal) {
      const t0 = performance.now();
      child.kill(signal);
      await exited;
      return performance.now() - t0;
    },
  };
}
