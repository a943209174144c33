// Failover between two router nodes (WebClientIT starts primary p1, backup p2 and the rm, and names the
// primary's process in PEERLINK_PRIMARY_PID): the primary is SIGKILLed while alice sends; her client
// reconnects to p2, resends what was unanswered with the same ids, and bob gets every message exactly once.

import { test } from "node:test";
import assert from "node:assert/strict";
import { memoryKeyStore } from "../../main/resources/web/peerlink.js";
import { SERVERS, freshId, peer, until } from "./support.js";

const PRIMARY_PID = Number(process.env.PEERLINK_PRIMARY_PID);

test("the primary is SIGKILLed while a client sends: it reconnects to the other node and nothing is lost or doubled", { timeout: 240_000 }, async () => {
  assert.ok(PRIMARY_PID > 0, "PEERLINK_PRIMARY_PID must name the primary's process");
  assert.equal(SERVERS.length, 2);
  // alice must be on the primary when it dies; under load a first connection can miss its welcome and land
  // on the backup, so she tries again (logging in with her key) until she is on the primary.
  const keys = memoryKeyStore();
  const aliceId = freshId("alice");
  let alice = peer(aliceId, { servers: [SERVERS[0], SERVERS[1]], keys });
  const bob = peer(freshId("bob"), { servers: [SERVERS[1], SERVERS[0]] });
  try {
    await alice.client.register();
    await bob.client.register();
    for (let attempt = 1; alice.client.server !== SERVERS[0]; attempt++) {
      assert.ok(attempt <= 3, `alice never got onto the primary: ${JSON.stringify(alice.seen.disconnects)}`);
      await alice.client.close();
      alice = peer(aliceId, { servers: [SERVERS[0], SERVERS[1]], keys });
      await alice.client.loggedIn();
    }
    const total = 60;
    const oks = [];
    let lostBefore = 0;
    for (let i = 0; i < total; i++) {
      oks.push(alice.client.send(bob.id, `m${i}`));
      if (i === 20) {
        assert.equal(alice.client.server, SERVERS[0], "alice is connected to the primary when it dies");
        lostBefore = alice.seen.disconnects.length;
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
    assert.ok(alice.seen.disconnects.slice(lostBefore).some((d) => d.server === SERVERS[0]), "alice lost the primary when it died");
    assert.equal(alice.client.server, SERVERS[1], "alice carries on through the other node");
  } finally {
    // what the clients went through, for a failure's reader (and the log of a success)
    for (const p of [alice, bob]) {
      console.log(`${p.id}: connects ${JSON.stringify(p.seen.connects)}, disconnects ${JSON.stringify(p.seen.disconnects)}, `
        + `notices ${JSON.stringify(p.seen.notices)}, ${p.seen.messages.length} messages, ${p.seen.delivered.length} receipts`);
    }
    await alice.client.close();
    await bob.client.close();
  }
});
