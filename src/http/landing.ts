// The plain landing page served at `/` when the built-in dashboard is not available.
export function landingPage(): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>trading-exporter</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><h1>trading-exporter</h1>
<ul>
<li><a href="/metrics">/metrics</a> — Prometheus metrics</li>
<li><a href="/api/v1/metrics/realtime">/api/v1/metrics/realtime</a> — per-bot figures as JSON</li>
<li><a href="/healthz">/healthz</a> and <a href="/readyz">/readyz</a></li>
</ul></body></html>
`;
}
