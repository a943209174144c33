// Failover between two router nodes (WebClientIT starts primary p1, backup p2 and the rm, and names the
// primary's process in PEERLINK_PRIMARY_PID): the primary is SIGKILLed while alice sends; her client
// reconnects to p2, resends what was unanswered with the same ids, and bob gets every message exactly once.

import { test } from "node:test";
import assert from "node:assert/strict";
import { SERVERS, freshId, peer, until } from "./support.js";

const PRIMARY_PID = Number(process.env.PEERLINK_PRIMARY_PID);

test("the primary is SIGKILLed while a client sends: it reconnects to the other node and nothing is lost or doubled", { timeout: 240_000 }, async () => {
  assert.ok(PRIMARY_PID > 0, "PEERLINK_PRIMARY_PID must name the primary's process");
  assert.equal(SERVERS.length, 2);
  const alice = peer(freshId("alice"), { servers: [SERVERS[0], SERVERS[1]] });
  const bob = peer(freshId("bob"), { servers: [SERVERS[1], SERVERS[0]] });
  try {
    await alice.client.register();
    await bob.client.register();
    const total = 60;
    const oks = [];
    for (let i = 0; i < total; i++) {
      oks.push(alice.client.send(bob.id, `m${i}`));
      if (i === 20) {
        process.kill(PRIMARY_PID, "SIGKILL");
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    const answers = await Promise.all(oks);
    assert.equal(new Set(answers.map((a) => a.msgId)).size, total, "every send is one message");
    await until("bob's 60 messages", () => bob.seen.messages.length >= total, 120_000);
    await new Promise((r) => setTimeout(r, 500)); // room for a doubled one to show
    assert.deepEqual(bob.seen.messages.map((m) => m.body), Array.from({ length: total }, (_, i) => `m${i}`));
    await until("60 receipts", () => new Set(alice.seen.delivered.map((d) => d.msgId)).size === total, 120_000);
    assert.ok(alice.seen.disconnects.length >= 1, "alice was connected to the primary, which died");
    assert.equal(alice.client.server, SERVERS[1], "alice carries on through the other node");
    console.log(`alice: connects ${JSON.stringify(alice.seen.connects)}, disconnects ${JSON.stringify(alice.seen.disconnects)}`);
  } finally {
    await alice.client.close();
    await bob.client.close();
  }
});
