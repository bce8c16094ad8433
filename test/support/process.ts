// Runs the real exporter as a child process (the CLI's `serve` verb through tsx, so no build is
// needed) and finds its port from the "listening" log line. The test that starts one stops it.
import { spawn, type ChildProcess } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";

export const REPO_ROOT = join(import.meta.dirname, "..", "..");

export interface ExporterProcess {
  url: string;
  child: ChildProcess;
  /** Everything the process printed so far (JSON log lines). */
  output(): string;
  /** SIGKILL: no shutdown code runs. */
  kill9(): Promise<void>;
  /** SIGTERM and wait for a clean exit. */
  stop(): Promise<number | null>;
}

export function writeConfig(dir: string, config: Record<string, unknown>): string {
  const file = join(dir, "config.yaml");
  writeFileSync(file, stringify(config));
  return file;
}

export async function startExporterProcess(
  configFile: string,
  opts: { env?: NodeJS.ProcessEnv; prefix?: string[]; args?: string[]; cli?: string; entry?: string } = {},
): Promise<ExporterProcess> {
  // `cli`: a built entry point (dist/cli.js) instead of the TypeScript sources; `entry`: a TypeScript
  // script instead of src/cli.ts (a test child with hooks, see its header).
  const command = [
    ...(opts.prefix ?? []),
    process.execPath,
    ...(opts.cli ? [opts.cli] : ["--import", "tsx", opts.entry ?? join(REPO_ROOT, "src/cli.ts")]),
    ...(opts.args ?? ["serve"]),
    "--config",
    configFile,
  ];
  const child = spawn(command[0]!, command.slice(1), {
    cwd: REPO_ROOT,
    env: { ...process.env, ...opts.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr.on("data", (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));

  const url = await new Promise<string>((resolve, reject) => {
    // A process that never says it listens is killed, so a failed start leaves nothing running.
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`exporter did not start in 30 s:\n${out}`));
    }, 30_000);
    const check = () => {
      const m = /"address":"([^"]+)".*"msg":"listening"/.exec(out);
      if (m) {
        clearTimeout(timer);
        child.stdout.off("data", check);
        resolve(`http://${m[1]}`);
      }
    };
    child.stdout.on("data", check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`exporter exited with ${code} before listening:\n${out}`));
    });
  });

  return {
    url,
    child,
    output: () => out,
    async kill9() {
      child.kill("SIGKILL");
      await exited;
    },
    async stop() {
      child.kill("SIGTERM");
      return exited;
    },
  };
}
