// The web page in a real headless Chromium against a primary, a backup and the rm (BrowserIT starts them):
// alice's page loads from the primary, bob's from the backup (any node serves the page, and a page starts with
// the node that served it). The primary is SIGKILLed while alice's page sends; it shows "reconnecting…", moves
// to the backup, and shows every message delivered once; bob's page shows each once, in order.

import { test } from "node:test";
import assert from "node:assert/strict";
import { freshId } from "./support.js";
import {
  WAIT, WEB, open, person, register, screenshot, shown, type, waitForState, waitForText,
} from "./browser-support.js";

const alice = { id: freshId("alice") };
const bob = { id: freshId("bob") };

test("the primary is SIGKILLed while a page sends: it shows reconnecting, then every message delivered once", { timeout: 240_000 }, async () => {
  const started = Date.now();
  Object.assign(alice, await person(alice.id));
  Object.assign(bob, await person(bob.id, { servedBy: 1 }));
  await register(alice);
  await register(bob);
  await bob.page.getByRole("status").filter({ hasText: `Connected to ws://${new URL(WEB[1]).host}` }).waitFor({ timeout: WAIT });
  // the page must be on the primary when it dies (it starts with the node that served it)
  await alice.page.getByRole("status").filter({ hasText: `Connected to ws://${new URL(WEB[0]).host}` }).waitFor({ timeout: WAIT });
  await open(alice, bob.id);
  await type(alice, "before the kill");
  await waitForState(alice, "before the kill", "delivered");
  await open(bob, alice.id);
  const texts = Array.from({ length: 8 }, (_, i) => `through failover ${i}`);
  let sawReconnecting = false;
  const status = alice.page.getByRole("status");
  for (let i = 0; i < texts.length; i++) {
    await type(alice, texts[i]);
    if (i === 2) {
      process.kill(Number(process.env.PEERLINK_PRIMARY_PID), "SIGKILL");
      await status.filter({ hasText: "reconnecting…" }).waitFor({ timeout: WAIT });
      sawReconnecting = true;
    }
  }
  assert.ok(sawReconnecting);
  for (const text of texts) await waitForState(alice, text, "delivered");
  await status.filter({ hasText: `Connected to ws://${new URL(WEB[1]).host}` }).waitFor({ timeout: WAIT });
  await waitForText(bob, texts[texts.length - 1]);
  const atBob = (await shown(bob)).filter((t) => t.startsWith("through failover"));
  assert.deepEqual(atBob, texts, "bob's page shows each message once, in order");
  const atAlice = (await shown(alice)).filter((t) => t.startsWith("through failover"));
  assert.deepEqual(atAlice, texts, "alice's page shows each of her messages once");
  await screenshot(alice, "web-failover-alice");
  await screenshot(bob, "web-failover-bob");
  console.log(`scenario 3 took ${((Date.now() - started) / 1000).toFixed(1)} s`);
});
