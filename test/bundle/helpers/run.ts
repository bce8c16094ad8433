// Runs a command to completion and returns its exit code and output (never throws on a non-zero exit:
// the tests assert on it and print the output when it is unexpected).
import { execFile } from "node:child_process";

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout and stderr together, for assertion messages. */
  output: string;
}

export function run(command: string, args: string[], options: { cwd?: string; timeoutMs?: number } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      { cwd: options.cwd, timeout: options.timeoutMs ?? 60_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== "number") {
          // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- an Error; @types/node spells it as an Omit<> of one
          reject(error);
          return;
        }
        const code = error ? Number(error.code) : 0;
        resolve({ code, stdout, stderr, output: `${stdout}\n${stderr}` });
      },
    );
  });
}
