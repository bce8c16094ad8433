// The baseline: a bare node:http server answering the same requests as the exporter with the
// least possible work (read the body, JSON.parse it, reply like the exporter does). The exporter's
// figures are stated as a fraction of this one, measured in the same run with the same generator.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export async function startBareServer(): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const parsed: unknown = chunks.length > 0 ? JSON.parse(Buffer.concat(chunks).toString()) : null;
      const accepted = Array.isArray(parsed) ? parsed.length : parsed === null ? 0 : 1;
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ accepted, duplicates: 0 }));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}
