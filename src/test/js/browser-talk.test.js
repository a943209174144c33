// The web page in a real headless browser (Chromium or Firefox) against one router node (BrowserIT starts it), with a console
// peer beside two pages: direct and group conversations, hostile text shown as text, and a page closed and
// opened again that shows what waited. Every assertion is on what a person sees. A screenshot per scenario.

import { test } from "node:test";
import { readFile } from "node:fs/promises";
import assert from "node:assert/strict";
import { freshId } from "./support.js";
import {
  BROWSER, WAIT, WEB, consolePeer, groupAction, open, pageUrl, person, register, screenshot, shown, type, waitForState, waitForText, watched,
} from "./browser-support.js";

const alice = { id: freshId("alice") };
const bob = { id: freshId("bob") };
const carolId = freshId("carol");
const team = freshId("team");
let carol;

test("two pages and a console peer talk directly and in a group; peer text is shown as text", { timeout: 240_000 }, async () => {
  const started = Date.now();
  carol = consolePeer(carolId);
  carol.type("REGISTER");
  Object.assign(alice, await person(alice.id));
  Object.assign(bob, await person(bob.id));
  await register(alice);
  await register(bob);
  await carol.await("REGISTER ok", (e) => e.event === "ok" && e.command === "REGISTER");
  // The key a page makes stays inside the browser unless the person asked for an exportable one.
  assert.deepEqual(await keptKey(alice).then((k) => [k.type, k.extractable]), ["CryptoKey", false]);
  await alice.page.getByRole("button", { name: "Export key file" }).click();
  await alice.page.locator("#chat-error", { hasText: "keeps your key unexportable" }).waitFor({ timeout: WAIT });

  await open(alice, bob.id);
  const hostile = `hi bob <img src=x onerror="document.title='owned'"><b>bold?</b>`;
  await type(alice, hostile);
  await open(bob, alice.id);
  await waitForText(bob, "hi bob");
  assert.deepEqual(await shown(bob), [hostile], "bob sees the text exactly, tags and all");
  assert.equal(await bob.page.locator("#messages img, #messages b").count(), 0, "nothing in a message becomes markup");
  await waitForState(alice, "hi bob", "delivered");

  carol.type(`SEND_MSG ${alice.id} hello from the console`);
  await alice.page.getByRole("button", { name: new RegExp(`^${carolId}`) }).click();
  await waitForText(alice, "hello from the console");

  await groupAction(alice, team, "Create group");
  await groupAction(bob, team, "Join group");
  carol.type(`JOIN_GROUP ${team}`);
  await carol.await("JOIN_GROUP ok", (e) => e.event === "ok" && e.command === "JOIN_GROUP");
  await type(alice, "hello team");
  await waitForText(bob, "hello team");
  const atCarol = await carol.await("the group message", (e) => e.event === "message" && e.body === "hello team");
  assert.equal(atCarol.group, team);
  await waitForState(alice, "hello team", "delivered 2/2");
  carol.type(`SEND_MSG ${team} carol here`);
  await waitForText(alice, "carol here");
  await waitForText(bob, "carol here");
  await bob.page.getByRole("button", { name: "Members" }).click();
  await bob.page.locator("#members", { hasText: `Members of ${team}` }).waitFor({ timeout: WAIT });
  const members = await bob.page.locator("#members").textContent();
  for (const m of [alice.id, bob.id, carolId]) assert.ok(members.includes(m), `members shows ${m}: ${members}`);
  assert.equal(await bob.page.title(), "PeerLink");
  await screenshot(alice, "web-direct-and-group-alice");
  await screenshot(bob, "web-direct-and-group-bob");
  console.log(`scenario 1 took ${((Date.now() - started) / 1000).toFixed(1)} s`);
});

test("a page closed and opened again shows what waited, in order", { timeout: 120_000 }, async () => {
  const started = Date.now();
  await bob.page.close();
  await open(alice, bob.id);
  for (const text of ["while away 1", "while away 2", "while away 3"]) {
    await type(alice, text);
    await waitForState(alice, text, "sent");
  }
  bob.page = await watched(bob, await bob.context.newPage());
  await bob.page.goto(pageUrl()); // logs in by itself with the key it kept
  await bob.page.getByRole("status").filter({ hasText: `as ${bob.id}` }).waitFor({ timeout: WAIT });
  await bob.page.getByRole("button", { name: new RegExp(`^${alice.id}`) }).click();
  await waitForText(bob, "while away 3");
  assert.deepEqual(await shown(bob), ["while away 1", "while away 2", "while away 3"]);
  await waitForState(alice, "while away 3", "delivered");
  await screenshot(bob, "web-reopened-bob");
  console.log(`scenario 2 took ${((Date.now() - started) / 1000).toFixed(1)} s`);
});


test("a link that names nodes on another host does not make the page log in there", { timeout: 60_000 }, async () => {
  const own = pageUrl().split("?servers=")[1];
  const stranger = await person(freshId("dave"));
  // The page would sign this browser's login for whoever runs that host, who could hand it to a real node.
  await stranger.page.goto(`${WEB[0]}/?servers=${encodeURIComponent("wss://evil.example:443," + own)}`);
  assert.equal(await stranger.page.locator("#servers").inputValue(), own, "only the nodes on the page's own host are kept");
  const said = await stranger.page.locator("#login-error").textContent();
  assert.match(said, /other hosts; they were left out/, "and the page says why");
  await stranger.context.close();
});

test("a browser whose WebCrypto has no Ed25519 registers through @noble/ed25519, and its key file logs the console in", { timeout: 120_000 }, async () => {
  const started = Date.now();
  const erin = await person(freshId("erin"), { withoutEd25519: true });
  await register(erin);
  const stored = (await keptKey(erin)).type;
  assert.equal(stored, "noble-ed25519", "the key the page keeps is @noble/ed25519's");
  await erin.page.reload(); // logs in again with the key it kept
  await erin.page.getByRole("status").filter({ hasText: `as ${erin.id}` }).waitFor({ timeout: WAIT });
  await open(erin, alice.id);
  await type(erin, "sent with a noble key");
  await waitForState(erin, "sent with a noble key", "delivered");

  await screenshot(erin, "web-noble-erin");
  await keyFileLogsTheConsoleIn(erin);
  console.log(`scenario 4 took ${((Date.now() - started) / 1000).toFixed(1)} s`);
});

test("a key registered as exportable gives a key file that logs the console in", { timeout: 120_000 }, async () => {
  const frank = await person(freshId("frank"));
  await register(frank, { exportable: true });
  assert.deepEqual(await keptKey(frank).then((k) => [k.type, k.extractable]), ["CryptoKey", true]);
  await keyFileLogsTheConsoleIn(frank);
});

/** The page's exported key file, given to a console peer (the page closed first), logs it in and it sends. */
async function keyFileLogsTheConsoleIn(p) {
  const keyFile = await exportedKeyFile(p);
  await p.context.close();
  const atConsole = consolePeer(p.id, { keyFile });
  await atConsole.await("the console logged in with the page's key", (e) => e.event === "connected" && e.peer === p.id);
  atConsole.type(`SEND_MSG ${alice.id} and now from the console`);
  await atConsole.await("SEND_MSG ok", (e) => e.event === "ok" && e.command === "SEND_MSG");
}

/**
 * The key file the page exports. Chromium: as the person gets it, the download of "Export key file". Playwright
 * reports no downloads from Firefox over WebDriver BiDi, so there the page's own export (the same
 * exportKeyFile the button calls, on the key the page kept) is read instead.
 */
async function exportedKeyFile(p) {
  if (BROWSER === "chromium") {
    const [download] = await Promise.all([
      p.page.waitForEvent("download", { timeout: WAIT }),
      p.page.getByRole("button", { name: "Export key file" }).click(),
    ]);
    return readFile(await download.path(), "utf8");
  }
  return (await keptKey(p)).keyFile;
}

/** The key the page keeps in IndexedDB: its kind, and the key file the page's exportKeyFile makes of it. */
async function keptKey(p) {
  return p.page.evaluate(async (id) => {
    const { exportKeyFile } = await import("/peerlink.js");
    const pair = await new Promise((resolve, reject) => {
      const opened = indexedDB.open("peerlink", 1);
      opened.onerror = () => reject(opened.error);
      opened.onsuccess = () => {
        const get = opened.result.transaction("keys").objectStore("keys").get(id);
        get.onsuccess = () => resolve(get.result);
        get.onerror = () => reject(get.error);
      };
    });
    const extractable = pair.privateKey.extractable;
    return { type: pair.privateKey instanceof CryptoKey ? "CryptoKey" : pair.privateKey.type, extractable, keyFile: extractable ? await exportKeyFile(pair) : null };
  }, p.id);
}
