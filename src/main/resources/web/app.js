// The PeerLink web page: direct and group conversations on the client library. Everything a peer sends
// is shown with textContent (never parsed as HTML). The key stays in this browser's IndexedDB; the resume
// point in localStorage, so messages that waited while the page was closed arrive when it opens again.

import { PeerLinkClient, exportKeyFile, generateIdentity, importKeyFile, publicKeyBase64 } from "./peerlink.js";

const $ = (id) => document.getElementById(id);
const STATE_WORDS = { SENT: "sent", DELIVERED: "delivered", EXPIRED: "expired" };

// ---- where the key and resume point live

function database() {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open("peerlink", 1);
    open.onupgradeneeded = () => open.result.createObjectStore("keys");
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
}

async function keyOperation(mode, action) {
  const db = await database();
  return new Promise((resolve, reject) => {
    const request = action(db.transaction("keys", mode).objectStore("keys"));
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/**
 * The peer's key pair in IndexedDB (CryptoKey objects, or identity.js's software keys, stored as they are). A new
 * key is non-extractable unless the person ticks "Keep the new key exportable": then nothing in the page, or
 * in a script that gets into it, can read the private key, at the price of no key file (a browser without
 * WebCrypto Ed25519 has software keys, always extractable). An imported key is kept non-extractable: its
 * owner has the file.
 */
function browserKeyStore(peer) {
  return {
    async load() { return (await keyOperation("readonly", (s) => s.get(peer))) ?? null; },
    async create() {
      const pair = await generateIdentity({ extractable: $("exportable").checked });
      await keyOperation("readwrite", (s) => s.put(pair, peer));
      return pair;
    },
    async discard(pair) {
      const stored = await this.load();
      // IndexedDB gives back copies, so the keys are compared by their bytes
      if (stored && (await publicKeyBase64(stored)) === (await publicKeyBase64(pair))) {
        await keyOperation("readwrite", (s) => s.delete(peer));
      }
    },
    async put(pair) { await keyOperation("readwrite", (s) => s.put(pair, peer)); },
  };
}

function browserResumeStore(peer) {
  const key = "peerlink.lastSeq." + peer;
  return {
    load() { return Number(localStorage.getItem(key)) || 0; },
    save(seq) { localStorage.setItem(key, String(seq)); },
  };
}

// ---- the page's state

let client = null;
let keys = null;
let leaving = false;
const conversations = new Map(); // name -> { name, group, items: [li], unread, button }
const sent = new Map(); // msgId -> { state element, earlyReceipts }
let current = null;

/**
 * The node list: the page's own node, or the `servers` of its address, but only nodes on the host that
 * served the page, the node that served it first when it is listed (it just answered, and pages served by
 * different nodes spread over them). A link is not a place to take servers from: a link naming another host would have the
 * page sign this browser's login for whoever runs that host, who could hand the signature to a real node
 * (the signed text names the connection's nonce, not the node). A person may still type other nodes.
 */
function defaultServers() {
  const own = (location.protocol === "http:" ? "ws://" : "wss://") + location.host;
  const fromQuery = new URLSearchParams(location.search).get("servers");
  if (!fromQuery) return own;
  const listed = fromQuery.split(",").map((s) => s.trim()).filter((s) => s);
  const sameHost = listed.filter((s) => hostOf(s) === location.hostname);
  if (sameHost.length < listed.length) {
    $("login-error").textContent = "The address of this page named nodes on other hosts; they were left out. "
      + "Type them into the server list yourself if you trust them.";
  }
  if (sameHost.length === 0) return own;
  return (sameHost.includes(own) ? [own, ...sameHost.filter((s) => s !== own)] : sameHost).join(",");
}

/** The host name of a server entry (ws://host:port, wss://host:port or host:port), or "" if it has none. */
function hostOf(server) {
  try {
    return new URL(server.includes("://") ? server : "wss://" + server).hostname;
  } catch {
    return "";
  }
}

function showStatus(text, reconnecting = false) {
  $("connection").textContent = text;
  $("connection").classList.toggle("reconnecting", reconnecting);
}

/** Tells what happened below the conversation: a refusal in red, an outcome in plain text. */
function say(text, error = true) {
  $("chat-error").textContent = text;
  $("chat-error").classList.toggle("error", error);
}

function words(error) {
  return error && error.message ? error.message : String(error);
}

// ---- logging in

async function start(register) {
  $("login-error").textContent = "";
  const peer = $("peer-id").value.trim();
  const servers = $("servers").value.split(",").map((s) => s.trim()).filter((s) => s);
  if (!peer) {
    $("login-error").textContent = "Type the ID you want to use.";
    return;
  }
  keys = browserKeyStore(peer);
  leaving = false;
  try {
    client = PeerLinkClient.start({
      peer, servers, keys, resume: browserResumeStore(peer), allowPlain: location.protocol === "http:", listener,
    });
  } catch (e) {
    $("login-error").textContent = words(e);
    return;
  }
  showStatus("Connecting to " + servers[0] + "…");
  try {
    const ok = register ? await client.register($("invitation").value.trim() || null) : await client.loggedIn();
    localStorage.setItem("peerlink.lastPeer", peer);
    $("login").hidden = true;
    $("chat").hidden = false;
    showStatus(`Connected to ${client.server} as ${ok.peer}`);
    $("open-name").focus();
    loadGroups();
  } catch (e) {
    const c = client;
    client = null;
    leaving = true;
    await c.close();
    $("login-error").textContent = e.code === "NOT_REGISTERED"
      ? `This browser has no key for '${peer}': register it as a new ID, or use its key file.`
      : words(e);
    showStatus("Not connected");
  }
}

const listener = {
  onConnected(server, peer) {
    showStatus(`Connected to ${server} as ${peer}`);
  },
  onDisconnected(server, reason) {
    if (!leaving) showStatus(`Lost ${server} (${reason}); reconnecting…`, true);
  },
  onNotice(code, message) {
    say(message);
    if (code === "SESSION_REPLACED") showStatus("Logged in elsewhere: this page stopped. Reload it to take over again.");
  },
  onMessage(m) {
    const name = m.group ?? m.from;
    const conversation = conversationFor(name, m.group !== undefined);
    addItem(conversation, { from: m.from, text: m.body, at: m.sentAt, mine: false });
  },
  onDelivered(d) {
    receipt(d.msgId, d.deliveredCount === d.recipientCount
      ? (d.recipientCount > 1 ? `delivered ${d.deliveredCount}/${d.recipientCount}` : "delivered")
      : `delivered ${d.deliveredCount}/${d.recipientCount}`);
  },
  onExpired(e) {
    receipt(e.msgId, `expired for ${e.recipient} (${e.expiredCount}/${e.recipientCount})`);
  },
};

function receipt(msgId, text) {
  const entry = sent.get(msgId);
  if (entry) entry.state.textContent = text;
  else sent.set(msgId, { state: null, early: text }); // the ok of a resent send may come after the receipt
}

// ---- conversations and messages

function conversationFor(name, group) {
  let conversation = conversations.get(name);
  if (!conversation) {
    const li = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    li.append(button);
    $("conversations").append(li);
    conversation = { name, group, items: [], unread: 0, button };
    button.addEventListener("click", () => openConversation(conversation));
    conversations.set(name, conversation);
  }
  if (group) conversation.group = true;
  labelConversation(conversation);
  return conversation;
}

function labelConversation(c) {
  c.button.textContent = (c.group ? "# " : "") + c.name + (c.unread ? ` (${c.unread} new)` : "");
  c.button.classList.toggle("unread", c.unread > 0);
  c.button.setAttribute("aria-current", String(c === current));
}

function openConversation(c) {
  const previous = current;
  current = c;
  c.unread = 0;
  if (previous) labelConversation(previous);
  labelConversation(c);
  $("conversation-title").textContent = (c.group ? "Group " : "With ") + c.name;
  $("group-actions").hidden = !c.group;
  $("manage-group-buttons").hidden = !c.group;
  $("members").hidden = true;
  $("messages").replaceChildren(...c.items);
  $("messages").scrollTop = $("messages").scrollHeight;
  $("body").focus();
}

function addItem(conversation, { from, text, at, mine }) {
  const li = document.createElement("li");
  if (mine) li.classList.add("mine");
  const meta = document.createElement("span");
  meta.className = "meta";
  meta.textContent = `${from} · ${new Date(at).toLocaleTimeString()}`;
  const body = document.createElement("span");
  body.className = "text";
  body.textContent = text;
  li.append(meta, body);
  let state = null;
  if (mine) {
    state = document.createElement("span");
    state.className = "state";
    state.textContent = "sending…";
    li.append(state);
  }
  conversation.items.push(li);
  if (conversation === current) {
    const list = $("messages");
    const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
    list.append(li);
    if (atBottom || mine) list.scrollTop = list.scrollHeight;
  } else {
    conversation.unread++;
    labelConversation(conversation);
  }
  return state;
}

async function send() {
  const text = $("body").value;
  if (!current || text.trim() === "") return;
  $("body").value = "";
  const to = current.name;
  const state = addItem(current, { from: client.peer, text, at: Date.now(), mine: true });
  try {
    const ok = await client.send(to, text);
    const early = sent.get(ok.msgId);
    sent.set(ok.msgId, { state });
    if (early && early.early) state.textContent = early.early;
    else state.textContent = ok.recipients === 0 ? "sent (nobody else in the group)" : STATE_WORDS[ok.state] ?? ok.state;
    if (ok.rejected) {
      state.textContent += "; not for " + ok.rejected.map((r) => `${r.peer} (${r.message})`).join(", ");
    }
  } catch (e) {
    state.classList.add("failed");
    state.textContent = "not sent: " + words(e);
  }
}

async function groupAction(action, done) {
  say("");
  const name = $("open-name").value.trim();
  if (!name) {
    say("Type a group name first.");
    return;
  }
  try {
    await action(name);
    $("open-name").value = "";
    openConversation(conversationFor(name, true));
    if (done) done(name);
  } catch (e) {
    say(words(e));
  }
}

async function loadGroups() {
  try {
    for (const g of await client.allGroups()) {
      if (g.member) conversationFor(g.name, true);
    }
  } catch (e) {
    say(words(e));
  }
}

// ---- wiring

$("servers").value = defaultServers();
$("peer-id").value = localStorage.getItem("peerlink.lastPeer") ?? "";
$("login-form").addEventListener("submit", (e) => { e.preventDefault(); start(false); });
$("register-button").addEventListener("click", () => start(true));
$("key-file").addEventListener("change", async () => {
  $("login-error").textContent = "";
  const peer = $("peer-id").value.trim();
  const file = $("key-file").files[0];
  if (!file) return;
  if (!peer) {
    $("login-error").textContent = "Type the ID this key file belongs to first.";
    return;
  }
  try {
    await browserKeyStore(peer).put(await importKeyFile(await file.text(), { extractable: false }));
    start(false);
  } catch (e) {
    $("login-error").textContent = words(e);
  }
});

$("open-form").addEventListener("submit", (e) => {
  e.preventDefault();
  const name = $("open-name").value.trim();
  if (!name) return;
  $("open-name").value = "";
  openConversation(conversationFor(name, conversations.get(name)?.group ?? false));
});
$("create-group").addEventListener("click", () => groupAction((g) => client.createGroup(g)));
$("create-private-group").addEventListener("click", () => groupAction((g) => client.createGroup(g, { private: true })));
// Owner's actions on the open group, and blocking: the peer is the one typed, or the open conversation's.
$("manage-form").addEventListener("click", async (e) => {
  const action = e.target instanceof HTMLButtonElement ? e.target.dataset.action : undefined;
  if (!action || !current) return;
  const peer = $("manage-peer").value.trim() || (current.group ? "" : current.name);
  const group = current.name;
  const done = {
    invite: `${peer} may now join ${group}.`, remove: `${peer} is no longer in ${group}.`, ban: `${peer} is banned from ${group}.`,
    unban: `${peer} may join ${group} again.`, giveGroup: `${peer} now owns ${group}.`, deleteGroup: `${group} is deleted.`,
    block: `${peer}'s messages are refused from now on.`, unblock: `${peer}'s messages are accepted again.`,
  }[action];
  try {
    if (action === "deleteGroup") await client.deleteGroup(group);
    else if (!peer) throw new Error("Type the peer first.");
    else if (action === "block" || action === "unblock") await client[action](peer);
    else await client[action](group, peer);
    say(done, false);
  } catch (err) {
    say(words(err));
  }
});
$("join-group").addEventListener("click", () => groupAction((g) => client.joinGroup(g)));
$("leave-group").addEventListener("click", async () => {
  try {
    await client.leaveGroup(current.name);
    say(`You left ${current.name}.`, false);
  } catch (e) {
    say(words(e));
  }
});
$("show-members").addEventListener("click", async () => {
  try {
    const members = await client.allMembers(current.name);
    $("members").textContent = `Members of ${current.name} (${members.length}): ${members.join(", ")}`;
    $("members").hidden = false;
  } catch (e) {
    say(words(e));
  }
});
$("send-form").addEventListener("submit", (e) => { e.preventDefault(); send(); });
$("body").addEventListener("keydown", (e) => {
  if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
    e.preventDefault();
    send();
  }
});
$("export-key").addEventListener("click", async () => {
  try {
    const pair = await keys.load();
    if (!pair.privateKey.extractable) {
      say("This browser keeps your key unexportable (it was registered without \"Keep the new key exportable\", or "
        + "came from a key file, which you have), so no key file can be made from it.");
      return;
    }
    const text = await exportKeyFile(pair);
    const link = document.createElement("a");
    link.href = URL.createObjectURL(new Blob([text], { type: "application/json" }));
    link.download = "identity.json";
    link.click();
    URL.revokeObjectURL(link.href);
  } catch (e) {
    say(words(e));
  }
});
$("logout").addEventListener("click", async () => {
  leaving = true;
  await client.close();
  client = null;
  conversations.clear();
  sent.clear();
  current = null;
  $("conversations").replaceChildren();
  $("messages").replaceChildren();
  $("chat").hidden = true;
  $("login").hidden = false;
  showStatus("Not connected");
});

// A returning peer whose key this browser holds is logged in at once, so what waited arrives on open.
if ($("peer-id").value) {
  browserKeyStore($("peer-id").value).load().then((pair) => { if (pair) start(false); }, () => {});
}
