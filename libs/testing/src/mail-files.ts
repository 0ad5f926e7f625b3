import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createConnection, createServer, type Server } from 'node:net';
import { join } from 'node:path';

/**
 * A TCP proxy to an SMTP server that holds each of the server's replies a little, so a batch of sends takes
 * seconds rather than milliseconds and a test can kill something while a message is in flight.
 */
export async function slowSmtpProxy(target: { host: string; port: number }, delayMs: number): Promise<{ port: number; server: Server }> {
  const server = createServer((client) => {
    const upstream = createConnection(target);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.pipe(upstream);
    upstream.on('data', (chunk: Buffer) => {
      upstream.pause();
      setTimeout(() => {
        if (!client.destroyed) client.write(chunk);
        upstream.resume();
      }, delayMs);
    });
    upstream.on('end', () => client.end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { port: (server.address() as { port: number }).port, server };
}

/** The Message-ID of every `.eml` the local SMTP server wrote for one address (one entry per file: a resend shows twice). */
export function messageIdsTo(mailDir: string, address: string): string[] {
  if (!existsSync(mailDir)) return [];
  const ids: string[] = [];
  for (const file of readdirSync(mailDir).filter((name) => name.endsWith('.eml'))) {
    const headers = readFileSync(join(mailDir, file), 'utf8').split(/\r?\n\r?\n/, 1)[0]?.replace(/\r?\n[ \t]+/g, ' ') ?? '';
    if (!new RegExp(`^To:.*${address.replace(/[.]/g, '\\.')}`, 'mi').test(headers)) continue;
    const id = /^Message-ID:\s*(<[^>]+>)/im.exec(headers)?.[1];
    if (id) ids.push(id);
  }
  return ids;
}
