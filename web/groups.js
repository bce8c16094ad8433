// The groups row (§19): one compact card per configured group with its fleet figures from
// /api/v1/groups/realtime and a badge for its drawdown alerts that fire. Member events change a
// group's figures, so the row is fetched again (at most once a second) after metrics updates.
import { money, pct, ratio, renderFiringBadge, setText, setTone, signClass, signed } from "./format.js";

const REFRESH_MS = 1000;

export function createGroupsView({ getJson, firingAlerts }) {
  const cards = new Map();
  let timer = null;
  const section = document.getElementById("groups");

  function card(name) {
    let el = cards.get(name);
    if (el) return el;
    el = document.getElementById("group-card").content.firstElementChild.cloneNode(true);
    el.dataset.group = name;
    el.querySelector(".group-name").textContent = name;
    cards.set(name, el);
    const after = [...section.children].find((c) => c.dataset.group > name);
    section.insertBefore(el, after ?? null);
    return el;
  }

  function render(g) {
    const el = card(g.group);
    setText(el, ".members", g.members.join(", "));
    setText(el, ".equity", money(g.equity));
    setTone(setText(el, ".drawdown", pct(g.drawdown)), "big drawdown", g.drawdown > 0 ? "neg" : "");
    setText(el, ".max-dd", pct(g.max_drawdown));
    setText(el, ".daily-dd", pct(g.daily_drawdown));
    setText(el, ".weekly-dd", pct(g.weekly_drawdown));
    for (const [sel, v] of [
      [".daily-pnl", g.daily_pnl],
      [".weekly-pnl", g.weekly_pnl],
      [".total-pnl", g.total_pnl],
    ]) {
      setTone(setText(el, sel, signed(v)), sel.slice(1), signClass(v));
    }
    setText(el, ".daily-sharpe", ratio(g.daily_sharpe_ratio));
    renderFiring(g.group);
  }

  function renderFiring(name) {
    const el = cards.get(name);
    if (el)
      renderFiringBadge(
        el.querySelector(".firing"),
        firingAlerts().filter((a) => a.group === name),
      );
  }

  async function load() {
    timer = null;
    try {
      const body = await getJson("/api/v1/groups/realtime");
      for (const g of body.groups) render(g);
      section.hidden = body.groups.length === 0;
    } catch (err) {
      console.warn("group figures unavailable", err);
    }
  }

  return {
    load,
    /** After a metrics update: fetch again soon, once for a burst of updates. */
    changed() {
      if (timer === null) timer = setTimeout(load, REFRESH_MS);
    },
    renderFiring,
    renderAllFiring() {
      for (const name of cards.keys()) renderFiring(name);
    },
  };
}
