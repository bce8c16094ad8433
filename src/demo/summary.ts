// The table the demo prints when it stops: each bot's headline figures, health and alerts.
import type { Exporter } from "../exporter.js";

const fixed = (x: number, digits: number) => (Number.isFinite(x) ? x.toFixed(digits) : "n/a");
const pct = (x: number) => (Number.isFinite(x) ? `${(x * 100).toFixed(1)}%` : "n/a");

export function summaryTable(exporter: Exporter, bots: string[]): string {
  const header = ["bot", "trades", "equity", "total P&L", "max DD", "Sharpe", "win rate", "health", "alerts"];
  const history = exporter.alerts.alerting.history({});
  const rows = bots
    .filter((bot) => exporter.engine.hasBot(bot))
    .map((bot) => {
      const p = exporter.engine.performance(bot);
      const alerts = new Set(history.filter((a) => a.bot === bot).map((a) => a.trigger));
      return [
        bot,
        String(p.trades.total),
        fixed(p.equity, 2),
        fixed(p.total_pnl, 2),
        pct(p.max_drawdown),
        fixed(p.sharpe_ratio, 2),
        pct(p.win_rate),
        exporter.alerts.alerting.health(bot)?.level ?? "n/a",
        [...alerts].join(", ") || "-",
      ];
    });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)].join("\n");
}
