import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/**
 * Given a server, the connections one remote address may hold open at once and what to do with one more,
 * counts each address's open connections and hands every connection over the bound to `refuse` (which answers
 * and closes it) before the server reads anything of it: a client cannot hold the server's connections
 * with half-sent requests beyond its share, while other clients are served. `first` is true for the first
 * refusal since the address was last within its bound, so that a flood is logged once, not once per connection.
 */
export function limitConnectionsPerClient(server: Server, maxPerClient: number, refuse: (socket: Socket, first: boolean) => void): void {
  const open = new Map<string, number>();
  const refusing = new Set<string>();
  // The server's own listeners (Node's HTTP parser among them) see only the connections within the bound.
  const serverListeners = server.listeners('connection') as Array<(socket: Socket) => void>;
  server.removeAllListeners('connection');
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? '';
    const count = open.get(address) ?? 0;
    if (count >= maxPerClient) {
      const first = !refusing.has(address);
      refusing.add(address);
      refuse(socket, first);
      return;
    }
    for (const listener of serverListeners) listener.call(server, socket);
    open.set(address, count + 1);
    socket.once('close', () => {
      refusing.delete(address);
      const left = (open.get(address) ?? 1) - 1;
      if (left === 0) open.delete(address);
      else open.set(address, left);
    });
  });
}
