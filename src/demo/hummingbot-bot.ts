// The demo's Hummingbot-style market maker: it publishes to an MQTT broker exactly what Hummingbot's
// mqtt_bridge publishes (heartbeats on `hb`, availability on `status_updates`, OrderFilled events), so the exporter's Hummingbot source turns it into trades by FIFO matching.
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";
import mqtt, { type MqttClient } from "mqtt";
import type { Clock } from "../domain/clock.js";
import type { Rng } from "./random.js";

export const DEMO_HUMMINGBOT_INSTANCE = "demo-mm";
export const DEMO_HUMMINGBOT_PREFIX = "hb-";
export const MOSQUITTO_HINT = "install Mosquitto to see it too (Debian/Ubuntu: apt-get install mosquitto; macOS: brew install mosquitto)";

/** Mosquitto on PATH, or in the sbin directories where Debian installs it (often not on a user's PATH). */
export function findMosquitto(path = process.env.PATH ?? ""): string | undefined {
  for (const dir of [...path.split(delimiter), "/usr/sbin", "/usr/local/sbin"]) {
    if (!dir) continue;
    try {
      accessSync(join(dir, "mosquitto"), constants.X_OK);
      return join(dir, "mosquitto");
    } catch {
      // not here
    }
  }
  return undefined;
}

const PAIR = "BTC-USDT";
const FEE = 0.001;

export class DemoHummingbot {
  private price = 60_000;
  private fills = 0;
  private position = 0;
  private lastHeartbeat = -Infinity;

  private constructor(
    private readonly client: MqttClient,
    private readonly clock: Clock,
    private readonly rng: Rng,
    private readonly prefix: string,
  ) {}

  static async connect(url: string, clock: Clock, rng: Rng, namespace = "hbot"): Promise<DemoHummingbot> {
    const client = await mqtt.connectAsync(url, { clientId: `demo-hummingbot-${process.pid}`, reconnectPeriod: 1000 });
    const bot = new DemoHummingbot(client, clock, rng, `${namespace}/${DEMO_HUMMINGBOT_INSTANCE}`);
    await bot.send("status_updates", { timestamp: clock.now(), type: "availability", msg: "online" });
    return bot;
  }

  /** One demo step: a heartbeat every 10 s of demo time, and a fill on about half the steps. */
  async step(): Promise<void> {
    const now = this.clock.now();
    if (now - this.lastHeartbeat >= 10_000) {
      this.lastHeartbeat = now;
      await this.send("hb", { ts: now * 1000 });
    }
    this.price *= 1 + (this.rng.next() - 0.5) * 0.004;
    if (this.rng.next() < 0.5) return;
    // A market maker leans against its inventory: sell when long, buy when short.
    const buy = this.position === 0 ? this.rng.next() < 0.5 : this.position < 0;
    const amount = Math.round((0.01 + this.rng.next() * 0.02) * 1e4) / 1e4;
    const price = Math.round(this.price * (buy ? 0.9995 : 1.0005) * 100) / 100;
    this.fills++;
    this.position += buy ? amount : -amount;
    await this.send("events", {
      timestamp: Math.floor(now / 1000),
      type: "OrderFilled",
      data: {
        order_id: `${buy ? "buy" : "sell"}-${PAIR}-${this.fills}`,
        trading_pair: PAIR,
        trade_type: buy ? "TradeType.BUY" : "TradeType.SELL",
        order_type: "OrderType.LIMIT",
        price,
        amount,
        trade_fee: { fee_type: "DeductedFromReturns", percent: String(FEE), percent_token: "USDT", flat_fees: [] },
        exchange_trade_id: `demo-${now}-${this.fills}`,
        exchange_order_id: `x-${this.fills}`,
        leverage: 1,
        position: "NIL",
      },
    });
  }

  async close(): Promise<void> {
    await this.send("status_updates", { timestamp: this.clock.now(), type: "availability", msg: "offline" }).catch(() => undefined);
    await this.client.endAsync();
  }

  private async send(channel: string, payload: unknown): Promise<void> {
    await this.client.publishAsync(`${this.prefix}/${channel}`, JSON.stringify(payload), { qos: 1 });
  }
}
