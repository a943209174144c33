// What the browser tests share: a headless browser (Debian's Chromium, or Debian's Firefox ESR over WebDriver
// BiDi, both driven by playwright-core), people at pages
// (each page a browser context of its own), reading what the page shows, a console peer, screenshots.
//
// Environment (set by BrowserIT): PEERLINK_WEB_URLS (the nodes' loopback web addresses, primary first),
// PEERLINK_SERVERS (their TLS client ports, for the console), PEERLINK_BIN (bin/peerlink), PEERLINK_PRIMARY_PID
// (failover only), PEERLINK_SCREENSHOTS, PEERLINK_BROWSER ("chromium" or "firefox") and BROWSER_EXECUTABLE.

import { after, before } from "node:test";
import { spawn } from "node:child_process";
import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import readline from "node:readline";
import { chromium, firefox } from "playwright-core";
import { freshId } from "./support.js";

export const WEB = process.env.PEERLINK_WEB_URLS.split(",");
const SERVERS_PARAM = WEB.map((w) => `ws://${new URL(w).host}`).join(",");
const SHOTS = process.env.PEERLINK_SCREENSHOTS;
export const WAIT = 45_000;

export const BROWSER = process.env.PEERLINK_BROWSER || "chromium";
let browser;
before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  const executablePath = process.env.BROWSER_EXECUTABLE;
  browser = BROWSER === "firefox"
    // Playwright drives a stock Firefox (not its own patched build, which needs a download) over WebDriver BiDi
    // through its "moz-" channels.
    ? await firefox.launch({ channel: "moz-firefox", executablePath, headless: true })
    : await chromium.launch({ executablePath, args: ["--no-sandbox"], headless: true });
});
const consoles = [];
after(async () => {
  for (const c of consoles) c.close();
  await browser?.close();
});

/**
 * A person at a page: a browser context of its own (its own IndexedDB and localStorage). withoutEd25519: the
 * page's WebCrypto refuses Ed25519 as browsers without it do (Chromium before 137, older Safari and Firefox).
 */
export async function person(id, { withoutEd25519 = false, servedBy = 0 } = {}) {
  const context = await browser.newContext({ viewport: { width: 420, height: 800 }, acceptDownloads: true }); // a phone-sized window
  if (withoutEd25519) await context.addInitScript(refuseEd25519);
  const p = { id, context, frames: [] };
  p.page = await watched(p, await context.newPage());
  await p.page.goto(pageUrl(servedBy));
  return p;
}

/** Runs in the page before its scripts: crypto.subtle answers Ed25519 with NotSupportedError, as such browsers do. */
function refuseEd25519() {
  const proto = globalThis.SubtleCrypto && SubtleCrypto.prototype;
  if (!proto) return;
  const isEd25519 = (a) => String(typeof a === "string" ? a : a && a.name).toLowerCase() === "ed25519";
  for (const [method, at] of [["generateKey", 0], ["importKey", 2], ["sign", 0], ["verify", 0]]) {
    const original = proto[method];
    proto[method] = function (...args) {
      if (isEd25519(args[at])) return Promise.reject(new DOMException("Unrecognized name.", "NotSupportedError"));
      return original.apply(this, args);
    };
  }
}

/** Keeps the page's WebSocket frames and errors, to tell in a failure what the page said and heard. */
export async function watched(p, page) {
  const note = (line) => p.frames.push(`${new Date().toISOString().slice(11, 23)} ${line.slice(0, 300)}`);
  page.on("pageerror", (e) => note(`page error: ${e.message}`));
  page.on("websocket", (ws) => {
    note(`open ${ws.url()}`);
    ws.on("framesent", (f) => note(`> ${f.payload}`));
    ws.on("framereceived", (f) => note(`< ${f.payload}`));
    ws.on("close", () => note(`closed ${ws.url()}`));
  });
  return page;
}

/** Registers at the page; exportable: ticks "Keep the new key exportable". */
export async function register(p, { exportable = false } = {}) {
  await p.page.getByLabel("Your ID").fill(p.id);
  if (exportable) await p.page.getByLabel("Keep the new key exportable").check();
  await p.page.getByRole("button", { name: "Register a new ID" }).click();
  await p.page.getByRole("status").filter({ hasText: `as ${p.id}` }).waitFor({ timeout: WAIT });
}

export async function open(p, name) {
  await p.page.getByLabel("Peer or group").fill(name);
  await p.page.getByRole("button", { name: "Open", exact: true }).click();
}

export async function groupAction(p, name, button) {
  await p.page.getByLabel("Peer or group").fill(name);
  await p.page.getByRole("button", { name: button }).click();
  await p.page.getByRole("heading", { name: `Group ${name}` }).waitFor({ timeout: WAIT });
}

export async function type(p, text) {
  const box = p.page.getByRole("textbox", { name: /^Message/ });
  await box.fill(text);
  await box.press("Enter");
}

/** The texts of the message list as shown, one per message. */
export async function shown(p) {
  return p.page.locator("#messages li .text").allTextContents();
}

export async function waitForText(p, text) {
  await p.page.locator("#messages li .text", { hasText: text }).first().waitFor({ timeout: WAIT });
}

export async function stateOf(p, text) {
  return p.page.locator("#messages li.mine", { has: p.page.locator(".text", { hasText: text }) }).locator(".state").textContent();
}

export async function waitForState(p, text, expected) {
  const deadline = Date.now() + WAIT;
  let last;
  while (Date.now() < deadline) {
    last = await stateOf(p, text);
    if (expected instanceof RegExp ? expected.test(last) : last === expected) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`'${text}' shows '${last}', not ${expected}; ${p.id}'s page saw:\n${p.frames.slice(-40).join("\n")}`);
}

export async function screenshot(p, name) {
  await p.page.screenshot({ path: path.join(SHOTS, `${BROWSER}-${name}.png`), fullPage: true });
}

/** bin/peerlink client --json: a console peer typed at, whose JSON events are read; keyFile: its identity.json. */
export function consolePeer(id, { keyFile } = {}) {
  const home = mkdtempSync(path.join(tmpdir(), "peerlink-console-"));
  if (keyFile) {
    mkdirSync(path.join(home, "peers", id), { recursive: true });
    writeFileSync(path.join(home, "peers", id, "identity.json"), keyFile, { mode: 0o600 });
  }
  const child = spawn(process.env.PEERLINK_BIN, ["client", "--id", id, "--server", process.env.PEERLINK_SERVERS, "--json"], {
    env: { ...process.env, PEERLINK_HOME: home, PEERLINK_NO_BUILD: "1" }, stdio: ["pipe", "pipe", "inherit"],
  });
  const events = [];
  readline.createInterface({ input: child.stdout }).on("line", (line) => {
    try { events.push(JSON.parse(line)); } catch { /* not an event */ }
  });
  const peer = {
    type: (line) => child.stdin.write(line + "\n"),
    async await(what, match) {
      const deadline = Date.now() + 90_000;
      while (Date.now() < deadline) {
        const i = events.findIndex(match);
        if (i >= 0) return events.splice(i, 1)[0];
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`console ${id} never showed ${what}; it showed ${JSON.stringify(events)}`);
    },
    close: () => child.kill("SIGKILL"),
  };
  consoles.push(peer);
  return peer;
}

/** Where the page is, on node {@code servedBy} (0 the first of PEERLINK_WEB_URLS), with the nodes to use in its query. */
export function pageUrl(servedBy = 0) {
  return `${WEB[servedBy]}/?servers=${SERVERS_PARAM}`;
}

