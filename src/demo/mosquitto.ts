// A private Mosquitto broker on a loopback port, for the demo's Hummingbot-style bot and the tests:
// started from Debian's `mosquitto` binary with a throw-away config, stopped by its pid.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A free loopback port (the OS picks it; the broker binds it right after). */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

export class MosquittoBroker {
  private child: ChildProcess | null = null;
  private readonly dir = mkdtempSync(join(tmpdir(), "te-mosquitto-"));
  private output = "";

  private constructor(
    private readonly binary: string,
    readonly port: number,
  ) {}

  /** Starts `binary` on a free loopback port (or `port`, to restart on the same one). */
  static async start(binary: string, port?: number): Promise<MosquittoBroker> {
    const broker = new MosquittoBroker(binary, port ?? (await freeLoopbackPort()));
    await broker.start();
    return broker;
  }

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  /** The broker's recent log (every packet it sent and received). */
  log(): string {
    return this.output;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  async start(): Promise<void> {
    if (this.child) return;
    const conf = join(this.dir, "mosquitto.conf");
    // No persistence: a restart is a broker that forgot every session, the harder case for clients.
    // QoS 0 messages are queued for a disconnected persistent session, as docs/sources.md advises.
    writeFileSync(
      conf,
      `listener ${this.port} 127.0.0.1\nallow_anonymous true\npersistence false\nmax_queued_messages 100000\nqueue_qos0_messages true\nlog_dest stderr\nlog_type all\n`,
    );
    const child = spawn(this.binary, ["-c", conf], { stdio: ["ignore", "ignore", "pipe"] });
    child.stderr.on("data", (d: Buffer) => (this.output = (this.output + d.toString()).slice(-256_000)));
    this.child = child;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    for (let i = 0; i < 200; i++) {
      if (await accepts(this.port)) return;
      if (child.exitCode !== null) break;
      await Promise.race([exited, new Promise((r) => setTimeout(r, 25))]);
    }
    await this.stop();
    throw new Error(`mosquitto did not start on 127.0.0.1:${this.port}: ${this.output.trim()}`);
  }

  /** SIGTERM to this broker's pid, and wait until it exited. */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
    await exited;
    clearTimeout(timer);
  }

  async close(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
