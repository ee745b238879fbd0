/**
 * A loopback stand-in for Discord's attachment CDN: serves registered bodies at 127.0.0.1 URLs and
 * counts every request, so a test can prove a refused attachment was never downloaded.
 */
import { createServer } from "node:http";
import type { AddressInfo, Socket } from "node:net";

export interface AttachmentServer {
  /** Serves `body` at a fresh URL ending in `fileName` (URL-encoded, as Discord does). */
  host(body: Buffer | string, fileName: string): string;
  /** Requests received so far (any path). */
  readonly hits: () => number;
  close(): Promise<void>;
}

export async function startAttachmentServer(): Promise<AttachmentServer> {
  const bodies = new Map<string, Buffer>();
  let hits = 0;
  let next = 0;
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    hits++;
    const id = /^\/attachments\/(\d+)\//.exec(req.url ?? "")?.[1];
    const body = id === undefined ? undefined : bodies.get(id);
    if (!body) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": "application/octet-stream", "content-length": String(body.length) });
    res.end(body);
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host(body, fileName) {
      const id = String(++next);
      bodies.set(id, Buffer.from(body));
      // Discord file names are UTF-8, so a lone surrogate cannot reach a URL; replace it as a browser would.
      return `http://127.0.0.1:${port}/attachments/${id}/${encodeURIComponent(fileName.replace(/[\ud800-\udfff]/gu, "\ufffd"))}`;
    },
    hits: () => hits,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
