// docker-compose.yml and Dockerfile: compose accepts the file, every host path it mounts or builds from
// exists, the Alertmanager entrypoint renders a valid config with the Telegram token and the Discord
// webhook URL from their secret files,
// and the Dockerfile is multi-stage, non-root and copies only what exists.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, cpSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { requireBinary } from "../support/binaries.js";
import { run } from "./helpers/run.js";

const root = join(import.meta.dirname, "..", "..");
const composeFile = join(root, "docker-compose.yml");
const compose = parse(readFileSync(composeFile, "utf8")) as {
  services: Record<
    string,
    { build?: string | { context: string }; volumes?: string[]; profiles?: string[]; command?: string[]; image?: string }
  >;
  volumes: Record<string, unknown>;
};
const dockerCompose = requireBinary(["docker-compose"], "apt-get install docker-compose");
const amtool = requireBinary("amtool", "apt-get install prometheus-alertmanager");
const DISCORD_URL = "https://discord.com/api/webhooks/123456789012345678/tok_en-A|b\\c?thread_id=42&x=1";

describe("docker-compose.yml", () => {
  it("has the exporter (built here), Prometheus, Alertmanager and Grafana, and a demo profile", () => {
    expect(Object.keys(compose.services).sort()).toEqual(["alertmanager", "demo", "exporter", "grafana", "prometheus"]);
    expect(compose.services.exporter!.build).toBe(".");
    expect(compose.services.exporter!.profiles).toBeUndefined();
    expect(compose.services.demo!.profiles).toEqual(["demo"]);
    expect(compose.services.demo!.command).toEqual(["demo"]);
  });

  it("mounts the bundle into each service, from host paths that exist", () => {
    const hostPaths: string[] = [];
    for (const [name, service] of Object.entries(compose.services)) {
      const build = typeof service.build === "string" ? service.build : service.build?.context;
      if (build) hostPaths.push(build);
      for (const volume of service.volumes ?? []) {
        const source = volume.split(":")[0]!;
        if (source.startsWith(".") || isAbsolute(source)) hostPaths.push(source);
        else expect(compose.volumes, `${name}: named volume ${source} is declared`).toHaveProperty(source);
      }
    }
    expect(hostPaths).toEqual(expect.arrayContaining(["./prometheus", "./alertmanager", "./grafana/provisioning", "./grafana/dashboards"]));
    for (const path of hostPaths) expect(existsSync(resolve(root, path)), `${path} exists`).toBe(true);
  });

  it.skipIf(dockerCompose.skipReason)("passes docker-compose config -q, with and without the demo profile", async () => {
    for (const args of [
      ["-f", composeFile, "config", "-q"],
      ["-f", composeFile, "--profile", "demo", "config", "-q"],
    ]) {
      const result = await run(dockerCompose.path!, args, { cwd: root });
      expect(result.code, result.output).toBe(0);
    }
  });

  describe.skipIf(amtool.skipReason)("the Alertmanager entrypoint script", () => {
    const dir = mkdtempSync(join(tmpdir(), "trading-compose-"));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    // Runs the compose command with the container paths mapped into a temp dir and alertmanager replaced
    // by amtool check-config on the rendered file.
    async function render(withToken: boolean) {
      const etc = join(dir, withToken ? "with" : "without", "etc");
      const out = join(dir, withToken ? "with" : "without", "out");
      mkdirSync(etc, { recursive: true });
      cpSync(join(root, "alertmanager"), etc, { recursive: true });
      for (const name of readdirSync(join(etc, "secrets")))
        if (!name.endsWith(".example") && name !== ".gitignore") rmSync(join(etc, "secrets", name));
      if (withToken) {
        writeFileSync(join(etc, "secrets", "telegram_bot_token"), "123456:AAtoken-from_file\n");
        // & and | mean something to sed: the entrypoint must put them in as written.
        writeFileSync(join(etc, "secrets", "discord_webhook_url"), `${DISCORD_URL}\r\n`);
      }
      const script = compose.services
        .alertmanager!.command![0]!.replaceAll("$$", "$")
        .replaceAll("/etc/alertmanager", etc)
        .replaceAll("/tmp/alertmanager", out)
        .replace(/exec \/bin\/alertmanager .*/, `exec ${amtool.path} check-config ${out}/alertmanager.yml`);
      const result = await run("/bin/sh", ["-c", script]);
      return { result, rendered: existsSync(join(out, "alertmanager.yml")) ? readFileSync(join(out, "alertmanager.yml"), "utf8") : "" };
    }

    it("puts the token from secrets/telegram_bot_token and the URL from secrets/discord_webhook_url into a valid config", async () => {
      const { result, rendered } = await render(true);
      expect(result.code, result.output).toBe(0);
      expect(result.output).toContain("1 templates");
      expect(rendered).toContain("bot_token: 123456:AAtoken-from_file\n");
      expect(rendered).not.toContain("__TELEGRAM_BOT_TOKEN__");
      const discord = (parse(rendered) as { receivers: { discord_configs?: { webhook_url: string }[] }[] }).receivers.flatMap(
        (r) => r.discord_configs ?? [],
      );
      // One config shared by the three receivers (a YAML anchor), replaced once and seen by each.
      expect(discord.map((d) => d.webhook_url)).toEqual([DISCORD_URL, DISCORD_URL, DISCORD_URL]);
      expect(rendered).not.toContain("__DISCORD_WEBHOOK_URL__");
    });

    it("starts without the secret files, saying so", async () => {
      const { result, rendered } = await render(false);
      expect(result.code, result.output).toBe(0);
      expect(result.stderr).toContain("telegram_bot_token is missing");
      expect(result.stderr).toContain("discord_webhook_url is missing");
      expect(rendered).toContain("bot_token: __TELEGRAM_BOT_TOKEN__");
      expect(rendered).toContain("webhook_url: https://discord.invalid/__DISCORD_WEBHOOK_URL__");
    });
  });
});

describe("Dockerfile", () => {
  const dockerfile = readFileSync(join(root, "Dockerfile"), "utf8");
  const instructions = dockerfile
    .replace(/\\\n/g, " ")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith("#"));
  const stages = instructions.filter((line) => line.startsWith("FROM "));
  const runtime = instructions.slice(instructions.lastIndexOf(stages.at(-1)!));

  it("builds in a node:20-bookworm-slim stage with a compiler and runs in a separate slim stage", () => {
    expect(stages).toEqual(["FROM node:20-bookworm-slim AS build", "FROM node:20-bookworm-slim AS runtime"]);
    expect(dockerfile).toMatch(/apt-get install -y --no-install-recommends python3 make g\+\+/);
    expect(dockerfile).toMatch(/npm ci/);
    expect(dockerfile).toMatch(/npm run build && npm prune --omit=dev/);
    expect(runtime.some((line) => /apt-get install/.test(line))).toBe(false);
  });

  it("runs as a non-root user with /data as a volume, port 10077 and a node-based health check", () => {
    const users = runtime.filter((line) => line.startsWith("USER "));
    expect(users).toEqual(["USER node"]);
    expect(runtime).toEqual(
      expect.arrayContaining(["VOLUME /data", "EXPOSE 10077", 'ENTRYPOINT ["node", "dist/cli.js"]', 'CMD ["serve"]']),
    );
    expect(runtime.join("\n")).toMatch(/DATA_DIR=\/data/);
    expect(runtime.find((line) => line.startsWith("HEALTHCHECK"))).toMatch(/CMD \["node", "-e", ".*\/healthz/);
  });

  it("holds no secrets", () => {
    expect(dockerfile).not.toMatch(/(SECRET|TOKEN|PASSWORD|WEBHOOK)\s*=/i);
    expect(dockerfile).not.toMatch(/ARG .*(SECRET|TOKEN|PASSWORD)/i);
  });

  it("copies only paths that exist in the repository and that .dockerignore lets through", () => {
    const ignored = readFileSync(join(root, ".dockerignore"), "utf8")
      .split("\n")
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith("#"));
    const copies = instructions.filter((line) => line.startsWith("COPY ") && !line.includes("--from="));
    expect(copies.length).toBeGreaterThan(0);
    for (const copy of copies) {
      const sources = copy
        .split(/\s+/)
        .slice(1, -1)
        .filter((part) => !part.startsWith("--"));
      for (const source of sources) {
        expect(existsSync(join(root, source)), `${copy}: ${source} exists`).toBe(true);
        expect(ignored, `${source} is not excluded by .dockerignore`).not.toContain(source);
      }
    }
    expect(ignored).toEqual(expect.arrayContaining(["node_modules", ".git", "**/secrets"]));
  });
});
