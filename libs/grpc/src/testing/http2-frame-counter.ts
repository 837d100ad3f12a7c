import { connect, createServer, type Server, type Socket } from 'node:net';

const PREFACE_BYTES = 24;
const FRAME_PING = 0x6;
const FRAME_GOAWAY = 0x7;
const FLAG_ACK = 0x1;

export interface FrameCounts {
  /** PING frames (not acknowledgements) sent by the client, and by the server. */
  clientPings: number;
  serverPings: number;
  /** GOAWAY frames from either side, with their error code and debug data (e.g. "too_many_pings"). */
  goaways: { from: 'client' | 'server'; code: number; debug: string }[];
  connections: number;
}

/**
 * A TCP relay between a gRPC client and server that reads the HTTP/2 frames going by and counts
 * keepalive pings and GOAWAYs, to see from outside what the two ends do on an idle connection.
 */
export async function startFrameCounter(target: { host: string; port: number }): Promise<{ address: string; counts: FrameCounts; close(): Promise<void> }> {
  const counts: FrameCounts = { clientPings: 0, serverPings: 0, goaways: [], connections: 0 };
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    counts.connections += 1;
    const upstream = connect(target.port, target.host);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
    }
    client.on('data', frameReader('client', PREFACE_BYTES, counts));
    upstream.on('data', frameReader('server', 0, counts));
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    address: `127.0.0.1:${port}`,
    counts,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function frameReader(from: 'client' | 'server', skip: number, counts: FrameCounts): (chunk: Buffer) => void {
  let pending = Buffer.alloc(0);
  let toSkip = skip;
  return (chunk) => {
    pending = Buffer.concat([pending, chunk]);
    if (toSkip > 0) {
      const skipped = Math.min(toSkip, pending.length);
      pending = pending.subarray(skipped);
      toSkip -= skipped;
    }
    while (pending.length >= 9) {
      const length = pending.readUIntBE(0, 3);
      if (pending.length < 9 + length) break;
      const [type, flags] = [pending[3], pending[4] ?? 0];
      if (type === FRAME_PING && !(flags & FLAG_ACK)) counts[from === 'client' ? 'clientPings' : 'serverPings'] += 1;
      if (type === FRAME_GOAWAY && length >= 8) {
        counts.goaways.push({ from, code: pending.readUInt32BE(13), debug: pending.toString('latin1', 17, 9 + length) });
      }
      pending = pending.subarray(9 + length);
    }
  };
}
