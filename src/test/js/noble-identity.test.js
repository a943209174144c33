// identity.js where WebCrypto has no Ed25519 (Chromium before 137, older Safari and Firefox): keys are made,
// used, exported and imported through @noble/ed25519, in the same key file format, and the router (Java's
// Ed25519) accepts their signatures. This runtime's crypto.subtle is made to refuse Ed25519 as such a browser's
// does, before identity.js is loaded; node:crypto, untouched, stands in for the JDK and the console's key files.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign as nodeSign, verify as nodeVerify } from "node:crypto";

const realSubtle = globalThis.crypto.subtle;
const refusesEd25519 = (algorithm) => (typeof algorithm === "string" ? algorithm : algorithm?.name)?.toLowerCase() === "ed25519";
for (const method of ["generateKey", "importKey", "sign", "verify"]) {
  const original = realSubtle[method].bind(realSubtle);
  realSubtle[method] = (...args) => {
    const algorithm = method === "importKey" ? args[2] : method === "generateKey" ? args[0] : args[0];
    if (refusesEd25519(algorithm)) return Promise.reject(new DOMException("Unrecognized name.", "NotSupportedError"));
    return original(...args);
  };
}

const { ed25519Implementation, exportKeyFile, importKeyFile, memoryKeyStore } = await import("../../main/resources/web/peerlink.js");
const { freshId, peer, until } = await import("./support.js");

const der = (base64) => Buffer.from(base64, "base64");

test("without WebCrypto Ed25519 the library uses @noble/ed25519, the published file unchanged", async () => {
  assert.equal(await ed25519Implementation(), "noble");
  const vendored = readFileSync(new URL("../../main/resources/web/vendor/noble-ed25519.js", import.meta.url));
  const published = readFileSync(new URL("./node_modules/@noble/ed25519/index.js", import.meta.url));
  assert.ok(vendored.equals(published), "vendor/noble-ed25519.js differs from @noble/ed25519 3.2.0 as npm has it");
});

test("a noble key registers, logs in again, and its peer sends and receives", async () => {
  const keys = memoryKeyStore();
  const dave = peer(freshId("dave"), { keys });
  const erin = peer(freshId("erin"));
  try {
    await dave.client.register();
    assert.equal((await keys.load()).privateKey.type, "noble-ed25519");
    await erin.client.register();
    const ok = await dave.client.send(erin.id, "signed by noble");
    assert.equal(ok.state, "SENT");
    await until("erin receives dave's message", () => erin.seen.messages.some((m) => m.body === "signed by noble" && m.from === dave.id));
    await until("dave sees it delivered", () => dave.seen.delivered.some((d) => d.msgId === ok.msgId));
    await dave.client.close();
    const again = peer(dave.id, { keys });
    try {
      assert.equal((await again.client.loggedIn()).peer, dave.id);
    } finally {
      await again.client.close();
    }
  } finally {
    await dave.client.close();
    await erin.client.close();
  }
});

test("a noble key file is the console's: the JDK's encodings, and node:crypto signs and verifies with it", async () => {
  const pair = await memoryKeyStore().create();
  const json = JSON.parse(await exportKeyFile(pair));
  assert.equal(json.publicKey.length, 60);
  assert.ok(json.privateKey.startsWith("MC4CAQAwBQYDK2VwBCIEI")); // PKCS#8 v0 with a raw 32-byte seed, as the JDK writes it
  const privateKey = createPrivateKey({ key: der(json.privateKey), format: "der", type: "pkcs8" });
  const publicKey = createPublicKey({ key: der(json.publicKey), format: "der", type: "spki" });
  const message = Buffer.from("peerlink-key-check");
  assert.ok(nodeVerify(null, message, publicKey, nodeSign(null, message, privateKey)));
  assert.equal(createPublicKey(privateKey).export({ format: "der", type: "spki" }).toString("base64"), json.publicKey);
});

test("a key file made elsewhere (node:crypto, as the console makes them) imports and logs its peer in", async () => {
  const made = generateKeyPairSync("ed25519");
  const text = JSON.stringify({
    publicKey: made.publicKey.export({ format: "der", type: "spki" }).toString("base64"),
    privateKey: made.privateKey.export({ format: "der", type: "pkcs8" }).toString("base64"),
  });
  const keys = memoryKeyStore(await importKeyFile(text));
  const frank = peer(freshId("frank"), { keys });
  try {
    await frank.client.register();
    await frank.client.close();
    const again = peer(frank.id, { keys: memoryKeyStore(await importKeyFile(text)) });
    try {
      assert.equal((await again.client.loggedIn()).peer, frank.id);
    } finally {
      await again.client.close();
    }
  } finally {
    await frank.client.close();
  }
});

test("key files that are not Ed25519 pairs are refused in words", async () => {
  const good = JSON.parse(await exportKeyFile(await memoryKeyStore().create()));
  const other = JSON.parse(await exportKeyFile(await memoryKeyStore().create()));
  await assert.rejects(importKeyFile(JSON.stringify({ publicKey: other.publicKey, privateKey: good.privateKey })), /does not belong/);
  const rsa = generateKeyPairSync("rsa", { modulusLength: 1024 });
  await assert.rejects(importKeyFile(JSON.stringify({
    publicKey: rsa.publicKey.export({ format: "der", type: "spki" }).toString("base64"),
    privateKey: rsa.privateKey.export({ format: "der", type: "pkcs8" }).toString("base64"),
  })), /not X\.509 and PKCS#8 Ed25519 keys/);
  await assert.rejects(importKeyFile(JSON.stringify({ publicKey: good.publicKey, privateKey: "!!not base64!!" })), /not Base64/);
  const cut = der(good.privateKey).subarray(0, 40).toString("base64");
  await assert.rejects(importKeyFile(JSON.stringify({ publicKey: good.publicKey, privateKey: cut })), /not X\.509 and PKCS#8/);
});
