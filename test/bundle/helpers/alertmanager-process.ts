// Starts a real Alertmanager on 127.0.0.1 with an ephemeral port, no clustering and a temporary data
// directory, and stops it again.
import { spawn, type ChildProcess } from "node:child_process";

export interface RunningAlertmanager {
  url: string;
  /** Everything the process logged, for failure messages. */
  log(): string;
  stop(): Promise<void>;
}

export async function startAlertmanager(binary: string, configFile: string, storageDir: string): Promise<RunningAlertmanager> {
  const child: ChildProcess = spawn(
    binary,
    [
      `--config.file=${configFile}`,
      "--web.listen-address=127.0.0.1:0",
      "--cluster.listen-address=",
      `--storage.path=${storageDir}`,
      "--web.external-url=http://alertmanager.test:9093",
      "--log.level=debug",
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString("utf8");
      // exporter-toolkit logs the bound address: msg="Listening on" address=127.0.0.1:41234
      const match = /msg="Listening on" address=(\S+)/.exec(output);
      if (match) resolve(`http://${match[1]}`);
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => reject(new Error(`alertmanager exited with ${code} before listening:\n${output}`)));
    child.once("error", reject);
  });
  return {
    url,
    log: () => output,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}
