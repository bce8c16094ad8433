// alertmanager/alertmanager.yml: valid for Alertmanager 0.25 (amtool check-config), routes each severity
// to the channels §14 names, and keeps secrets out of the file.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { requireBinary } from "../support/binaries.js";
import { run } from "./helpers/run.js";

const root = join(import.meta.dirname, "..", "..");
const configPath = join(root, "alertmanager", "alertmanager.yml");
const amtool = requireBinary("amtool", "apt-get install prometheus-alertmanager");

interface Receiver {
  name: string;
  slack_configs?: unknown[];
  email_configs?: unknown[];
  telegram_configs?: Record<string, unknown>[];
  discord_configs?: Record<string, unknown>[];
}

const config = parse(readFileSync(configPath, "utf8")) as {
  global: Record<string, unknown>;
  receivers: Receiver[];
};
const rules = parse(readFileSync(join(root, "prometheus", "rules", "trading-alerts.yml"), "utf8")) as {
  groups: { rules: { alert: string; labels: { severity: string } }[] }[];
};

const receiverFor: Record<string, string> = {
  critical: "trading-critical",
  error: "trading-error",
  warning: "trading-warning",
};

describe.skipIf(amtool.skipReason)("alertmanager.yml with amtool", () => {
  const bin = amtool.path ?? "amtool";
  const routesTest = (receiver: string, labels: string[]) =>
    run(bin, ["config", "routes", "test", `--config.file=${configPath}`, `--verify.receivers=${receiver}`, ...labels]);

  it("passes amtool check-config, templates included", async () => {
    const result = await run(bin, ["check-config", configPath]);
    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain("5 inhibit rules");
    expect(result.output).toContain("1 templates");
  });

  it.each(Object.entries(receiverFor))("routes severity=%s to %s", async (severity, receiver) => {
    const result = await routesTest(receiver, [`severity=${severity}`, "alertname=TradingSomething", "bot=alpha"]);
    expect(result.code, result.output).toBe(0);
  });

  it("sends an alert of unknown severity to Slack (the root receiver) rather than nowhere", async () => {
    const result = await routesTest("trading-warning", ["severity=info", "alertname=Other"]);
    expect(result.code, result.output).toBe(0);
  });

  it("rejects a wrong expectation (the routing test can fail)", async () => {
    const result = await routesTest("trading-warning", ["severity=critical", "alertname=TradingKillSwitchActive", "bot=a"]);
    expect(result.code).not.toBe(0);
  });

  it("routes every alert of the Prometheus rules by its severity label", async () => {
    const alerts = rules.groups.flatMap((group) => group.rules);
    expect(alerts).toHaveLength(15);
    for (const alert of alerts) {
      const receiver = receiverFor[alert.labels.severity];
      expect(receiver, `${alert.alert} has severity ${alert.labels.severity}`).toBeDefined();
      const result = await routesTest(receiver!, [`alertname=${alert.alert}`, `severity=${alert.labels.severity}`, "bot=alpha"]);
      expect(result.code, `${alert.alert}: ${result.output}`).toBe(0);
    }
  });
});

describe("alertmanager.yml receivers and secrets", () => {
  const receiver = (name: string) => config.receivers.find((candidate) => candidate.name === name);
  const channels = (r: Receiver | undefined) =>
    ["slack_configs", "email_configs", "telegram_configs", "discord_configs"].filter(
      (key) => (r?.[key as keyof Receiver]?.length ?? 0) > 0,
    );

  it("critical goes to Slack, email, Telegram and Discord; error to Slack, email and Discord; warning to Slack and Discord", () => {
    expect(channels(receiver("trading-critical"))).toEqual(["slack_configs", "email_configs", "telegram_configs", "discord_configs"]);
    expect(channels(receiver("trading-error"))).toEqual(["slack_configs", "email_configs", "discord_configs"]);
    expect(channels(receiver("trading-warning"))).toEqual(["slack_configs", "discord_configs"]);
  });

  it("every Discord receiver sends resolved alerts with the trading templates", () => {
    for (const name of Object.values(receiverFor)) {
      for (const discord of receiver(name)?.discord_configs ?? []) {
        expect(discord, name).toMatchObject({
          send_resolved: true,
          title: '{{ template "trading.discord.title" . }}',
          message: '{{ template "trading.discord.message" . }}',
        });
      }
    }
  });

  it("reads the Slack URL and SMTP password from files, and holds no Telegram token or Discord webhook", () => {
    expect(config.global.slack_api_url_file).toBe("/etc/alertmanager/secrets/slack_api_url");
    expect(config.global.smtp_auth_password_file).toBe("/etc/alertmanager/secrets/smtp_password");
    const text = readFileSync(configPath, "utf8");
    expect(text).not.toMatch(/^\s*(api_url|slack_api_url|auth_password|smtp_auth_password):/m);
    expect(text).not.toMatch(/hooks\.slack\.com/);
    expect(text).not.toMatch(/discord(app)?\.com\/api\/webhooks/);
    // Alertmanager 0.25 has no bot_token_file: the placeholder is replaced at container start.
    for (const telegram of receiver("trading-critical")?.telegram_configs ?? []) {
      expect(telegram.bot_token).toBe("__TELEGRAM_BOT_TOKEN__");
    }
    // Nor webhook_url_file: the entrypoint puts secrets/discord_webhook_url in place of this URL.
    for (const name of Object.values(receiverFor)) {
      for (const discord of receiver(name)?.discord_configs ?? []) {
        expect(discord.webhook_url, name).toBe("https://discord.invalid/__DISCORD_WEBHOOK_URL__");
      }
    }
  });
});
