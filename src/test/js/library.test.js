// The JavaScript client library against a real router node (WebClientIT starts it and runs this file with
// `node --test`): registering, direct and group messages with their receipts, errors, resuming after a
// dropped connection, and the key file shared with the console.

import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import {
  PeerLinkError, exportKeyFile, importKeyFile, memoryKeyStore, memoryResumeStore, webSocketUrl,
} from "../../main/resources/web/peerlink.js";
import { SERVERS, freshId, peer, until } from "./support.js";

test("a registered peer sends to another, which receives the message once; the sender sees it delivered", async () => {
  const alice = peer(freshId("alice"));
  const bob = peer(freshId("bob"));
  try {
    assert.equal((await alice.client.register()).lastSeq, 0);
    await bob.client.register();
    const ok = await alice.client.send(bob.id, "Hello, <b>bob</b> ✓");
    assert.equal(ok.state, "SENT");
    assert.equal(ok.recipients, 1);
    await until("bob's message", () => bob.seen.messages.length === 1);
    const m = bob.seen.messages[0];
    assert.equal(m.from, alice.id);
    assert.equal(m.body, "Hello, <b>bob</b> ✓");
    assert.equal(m.msgId, ok.msgId);
    await until("alice's receipt", () => alice.seen.delivered.length === 1);
    assert.deepEqual(
      [alice.seen.delivered[0].msgId, alice.seen.delivered[0].recipient, alice.seen.delivered[0].deliveredCount, alice.seen.delivered[0].recipientCount],
      [ok.msgId, bob.id, 1, 1]);
    const status = await alice.client.status(ok.msgId);
    assert.equal(status.state, "DELIVERED");
    assert.equal(alice.client.version, 3);
  } finally {
    await alice.client.close();
    await bob.client.close();
  }
});

test("refusals reject with the router's code and its sentence", async () => {
  const alice = peer(freshId("alice"));
  try {
    await alice.client.register();
    await assert.rejects(alice.client.send(freshId("nobody"), "anyone?"), (e) => {
      assert.ok(e instanceof PeerLinkError);
      assert.equal(e.code, "UNKNOWN_RECIPIENT");
      assert.match(e.message, /No peer or group is named/);
      return true;
    });
    // the same ID with another key
    const thief = peer(alice.id);
    await assert.rejects(thief.client.register(), (e) => e.code === "ID_TAKEN");
    await thief.client.close();
  } finally {
    await alice.client.close();
  }
});

test("a client without a key is told to register; requests fail at once instead of waiting", async () => {
  const nobody = peer(freshId("nokey"));
  try {
    await assert.rejects(nobody.client.loggedIn({ timeout: 15_000 }), (e) => e.code === "NOT_REGISTERED");
    await assert.rejects(nobody.client.groups(), (e) => e.code === "NOT_REGISTERED");
  } finally {
    await nobody.client.close();
  }
});

test("groups: create, join, members, a message to three members delivered 1/2 then 2/2, leave", async () => {
  const [alice, bob, carol] = ["alice", "bob", "carol"].map((n) => peer(freshId(n)));
  const group = freshId("team");
  try {
    for (const p of [alice, bob, carol]) await p.client.register();
    await alice.client.createGroup(group);
    await bob.client.joinGroup(group);
    await carol.client.joinGroup(group);
    assert.deepEqual((await bob.client.allMembers(group)).sort(), [alice.id, bob.id, carol.id].sort());
    const members = await bob.client.members(group);
    assert.equal(members.owner, alice.id);
    const listed = (await carol.client.allGroups()).find((g) => g.name === group);
    assert.deepEqual({ members: listed.members, member: listed.member }, { members: 3, member: true });

    const ok = await alice.client.send(group, "hello all");
    assert.equal(ok.recipients, 2);
    await until("both members' messages", () => bob.seen.messages.length === 1 && carol.seen.messages.length === 1);
    assert.equal(bob.seen.messages[0].group, group);
    assert.equal(carol.seen.messages[0].to, carol.id);
    await until("two receipts", () => alice.seen.delivered.length === 2);
    assert.deepEqual(alice.seen.delivered.map((d) => `${d.deliveredCount}/${d.recipientCount}`), ["1/2", "2/2"]);

    await carol.client.leaveGroup(group);
    assert.deepEqual((await alice.client.allMembers(group)).sort(), [alice.id, bob.id].sort());
    await assert.rejects(carol.client.send(group, "still here?"), (e) => e.code === "NOT_A_MEMBER");
  } finally {
    for (const p of [alice, bob, carol]) await p.client.close();
  }
});

test("a burst of sends leaves in batches, every one answered, all received in order", async () => {
  const alice = peer(freshId("alice"));
  const bob = peer(freshId("bob"));
  try {
    await alice.client.register();
    await bob.client.register();
    const oks = await Promise.all(Array.from({ length: 300 }, (_, i) => alice.client.send(bob.id, `n${i}`)));
    assert.equal(new Set(oks.map((o) => o.msgId)).size, 300);
    await until("300 messages", () => bob.seen.messages.length === 300);
    assert.deepEqual(bob.seen.messages.map((m) => m.body), Array.from({ length: 300 }, (_, i) => `n${i}`));
    await until("300 receipts", () => alice.seen.delivered.length === 300);
  } finally {
    await alice.client.close();
    await bob.client.close();
  }
});

test("resending a send id never makes a second message", async () => {
  const alice = peer(freshId("alice"));
  const bob = peer(freshId("bob"));
  try {
    await alice.client.register();
    await bob.client.register();
    const id = alice.client.newMessageId();
    const first = await alice.client.send(bob.id, "once", { id });
    const again = await alice.client.send(bob.id, "once", { id });
    assert.equal(again.msgId, first.msgId);
    assert.equal(again.duplicate, true);
    await until("bob's message", () => bob.seen.messages.length === 1);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(bob.seen.messages.length, 1);
  } finally {
    await alice.client.close();
    await bob.client.close();
  }
});

test("a send id the router would refuse fails at once with BAD_FRAME, and the client goes on", async () => {
  const alice = peer(freshId("alice"));
  const bob = peer(freshId("bob"));
  try {
    await alice.client.register();
    await bob.client.register();
    // Without the check, each would wait for its timeout and then fail with TIMED_OUT, not BAD_FRAME.
    await assert.rejects(alice.client.send(bob.id, "x", { id: "i".repeat(65) }),
      (e) => e.code === "BAD_FRAME" && /65 characters long; the router takes at most 64/.test(e.message));
    await assert.rejects(alice.client.send(bob.id, "x", { id: "half \ud800 a pair" }),
      (e) => e.code === "BAD_FRAME" && /lone surrogate at position 6/.test(e.message));
    await assert.rejects(alice.client.send(bob.id, "x", { id: "" }), (e) => e.code === "BAD_FRAME");
    const ok = await alice.client.send(bob.id, "still fine", { id: "i".repeat(64) });
    assert.equal(ok.state, "SENT");
  } finally {
    await alice.client.close();
    await bob.client.close();
  }
});

test("after a dropped connection the client logs in again, resumes, and resends what was unanswered", async () => {
  const alice = peer(freshId("alice"));
  const bob = peer(freshId("bob"));
  try {
    await alice.client.register();
    await bob.client.register();
    await alice.client.send(bob.id, "before");
    await until("the first message", () => bob.seen.messages.length === 1);
    bob.drop(); // no close handshake: as a network failure
    const sends = [];
    for (let i = 0; i < 20; i++) {
      sends.push(alice.client.send(bob.id, `during ${i}`));
      if (i === 10) alice.drop(); // alice loses her connection with sends unanswered
    }
    await Promise.all(sends);
    await until("bob's reconnection and 21 messages", () => bob.seen.messages.length === 21);
    assert.deepEqual(bob.seen.messages.map((m) => m.body), ["before", ...Array.from({ length: 20 }, (_, i) => `during ${i}`)]);
    assert.equal(new Set(bob.seen.messages.map((m) => m.seq)).size, 21);
    assert.ok(bob.seen.disconnects.length >= 1 && alice.seen.disconnects.length >= 1);
    await until("21 receipts", () => alice.seen.delivered.length === 21);
  } finally {
    await alice.client.close();
    await bob.client.close();
  }
});

test("messages that waited while the peer was away arrive in order when it returns with its key and resume point", async () => {
  const keys = memoryKeyStore();
  const resume = memoryResumeStore();
  const bobId = freshId("bob");
  const first = peer(bobId, { keys, resume });
  const alice = peer(freshId("alice"));
  try {
    await first.client.register();
    await alice.client.register();
    await alice.client.send(bobId, "seen");
    await until("the first message", () => first.seen.messages.length === 1);
    await first.client.close(1_000);
    for (let i = 0; i < 5; i++) await alice.client.send(bobId, `waited ${i}`);
    const again = peer(bobId, { keys, resume });
    try {
      const login = await again.client.loggedIn();
      assert.ok(login.lastSeq >= 6);
      await until("five waiting messages", () => again.seen.messages.length === 5);
      assert.deepEqual(again.seen.messages.map((m) => m.body), ["waited 0", "waited 1", "waited 2", "waited 3", "waited 4"]);
    } finally {
      await again.client.close();
    }
  } finally {
    await alice.client.close();
  }
});

test("the key file round-trips in the console's format and logs the peer in", async () => {
  const keys = memoryKeyStore();
  const id = freshId("carol");
  const first = peer(id, { keys });
  await first.client.register();
  await first.client.close();
  const text = await exportKeyFile(await keys.load());
  const json = JSON.parse(text);
  assert.equal(json.publicKey.length, 60); // Base64 X.509, as Java's PublicKey.getEncoded()
  assert.ok(json.privateKey.startsWith("MC4CAQAwBQYDK2VwBCIEI")); // PKCS#8 v0 with a raw 32-byte seed, as the JDK writes it
  const imported = await importKeyFile(text, { extractable: false });
  const again = peer(id, { keys: memoryKeyStore(imported) });
  try {
    assert.equal((await again.client.loggedIn()).peer, id);
  } finally {
    await again.client.close();
  }
  await assert.rejects(importKeyFile('{"publicKey":"x"}'), /no "publicKey" and "privateKey"/);
  const other = JSON.parse(await exportKeyFile(await (memoryKeyStore().create())));
  await assert.rejects(importKeyFile(JSON.stringify({ publicKey: other.publicKey, privateKey: json.privateKey })), /does not belong/);
});

test("addresses: host:port is TLS; plain ws:// only when allowed", () => {
  assert.equal(webSocketUrl("localhost:8008"), "wss://localhost:8008/ws");
  assert.equal(webSocketUrl("wss://127.0.0.1:8009"), "wss://127.0.0.1:8009/ws");
  assert.throws(() => webSocketUrl("ws://127.0.0.1:8009"), /plain text/);
  assert.equal(webSocketUrl("ws://127.0.0.1:8009", true), "ws://127.0.0.1:8009/ws");
  assert.throws(() => webSocketUrl("localhost"), /not a router node's address/);
  assert.throws(() => webSocketUrl("localhost:8008/x"), /not a router node's address/);
});

test("the complete example of docs/client.md runs as shown", { timeout: 120_000 }, async () => {
  const { readFileSync, writeFileSync, mkdirSync, copyFileSync, symlinkSync, existsSync } = await import("node:fs");
  const { execFileSync } = await import("node:child_process");
  const here = new URL(".", import.meta.url).pathname;
  const root = path.resolve(here, "../../..");
  const doc = readFileSync(path.join(root, "docs/client.md"), "utf8");
  const section = doc.slice(doc.indexOf("## JavaScript"));
  const code = section.match(/```js\n([\s\S]*?)```/)[1];
  const expected = section.match(/It prints \(the ids differ\):\n\n```\n([\s\S]*?)```/)[1].trim().split("\n");
  const dir = path.join(root, "target/js-example");
  mkdirSync(dir, { recursive: true });
  for (const f of ["peerlink.js", "identity.js"]) copyFileSync(path.join(root, "src/main/resources/web", f), path.join(dir, f));
  if (!existsSync(path.join(dir, "node_modules"))) symlinkSync(path.join(here, "node_modules"), path.join(dir, "node_modules"));
  writeFileSync(path.join(dir, "echo.mjs"), code);
  const out = execFileSync("node", ["echo.mjs", SERVERS[0], process.env.NODE_EXTRA_CA_CERTS], { cwd: dir, encoding: "utf8", timeout: 100_000 });
  const lines = out.trim().split("\n");
  assert.equal(lines.length, expected.length, out);
  const idsOf = (line) => line.replace(/-[a-z0-9]+\b/g, "-ID").replace(/\bm\d+\b/g, "mN");
  assert.deepEqual(lines.map(idsOf), expected.map(idsOf));
});
