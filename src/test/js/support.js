// What the library tests share: the router nodes WebClientIT started (PEERLINK_SERVERS; their CA reaches Node
// through NODE_EXTRA_CA_CERTS), fresh peer IDs, and waiting for a condition with a deadline instead of sleeping.

import WebSocket from "ws";
import { PeerLinkClient, memoryKeyStore, memoryResumeStore } from "../../main/resources/web/peerlink.js";

export const SERVERS = (process.env.PEERLINK_SERVERS ?? "").split(",").filter((s) => s);
if (SERVERS.length === 0) {
  throw new Error("PEERLINK_SERVERS is not set: these tests run from WebClientIT (./mvnw verify), which starts the nodes");
}

const run = Date.now().toString(36) + Math.floor(Math.random() * 1e4).toString(36);
let count = 0;
export function freshId(name) {
  return `${name}-${run}-${++count}`;
}

/**
 * A client with listeners that record what arrived, and a handle on its current socket (to drop it).
 * extra: options for PeerLinkClient (keys, resume, servers, ...).
 */
export function peer(id, extra = {}) {
  const seen = { messages: [], delivered: [], expired: [], notices: [], connects: [], disconnects: [] };
  const sockets = [];
  const client = PeerLinkClient.start({
    peer: id,
    servers: extra.servers ?? SERVERS,
    keys: extra.keys ?? memoryKeyStore(),
    resume: extra.resume ?? memoryResumeStore(),
    createWebSocket: (url) => {
      const socket = new WebSocket(url);
      sockets.push(socket);
      return socket;
    },
    listener: {
      onMessage: (m) => seen.messages.push(m),
      onDelivered: (d) => seen.delivered.push(d),
      onExpired: (e) => seen.expired.push(e),
      onNotice: (code, message) => seen.notices.push({ code, message }),
      onConnected: (server) => seen.connects.push(server),
      onDisconnected: (server, reason) => seen.disconnects.push({ server, reason }),
    },
    ...extra,
  });
  return { client, seen, sockets, id, drop: () => sockets[sockets.length - 1].terminate() };
}

export async function until(what, condition, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
