// The PeerLink client library for browsers and Node: speaks docs/protocol.md (versions 1 to 3) as the Java
// client (peerlink.client.ClientConnection) does. It connects to one router node at a time, logs in (or
// registers), resends every unanswered request after a reconnect or an UNAVAILABLE with the same ids (so a
// send is never doubled), hands each push to the listener once and in seq order, and acknowledges pushes in
// batches. Every promise it returns settles: by the router's answer, its deadline, a refusal after which no
// login can follow, or close().

import { memoryKeyStore, memoryResumeStore, publicKeyBase64, signLogin } from "./identity.js";

export * from "./identity.js";

export const VERSIONS = [1, 2, 3];
export const CURRENT_VERSION = 3;
const FIRST_BATCHING_VERSION = 2;
const BATCH_MAX_CHARS = 64 * 1024;
const ACK_EVERY = 256;
const OPEN = 1;

export const DEFAULTS = Object.freeze({
  requestTimeout: 60_000, // longer than a failover and the router's own 30 s timeout (docs/client.md)
  minBackoff: 100,
  maxBackoff: 3_000,
  ackDelay: 20,
  retryDelay: 500,
  connectTimeout: 10_000,
  receipts: true,
});

/** A refusal by the router (`code` from docs/protocol.md, section 12) or by this client (TIMED_OUT, CLOSED, ...). */
export class PeerLinkError extends Error {
  constructor(code, message) {
    super(message);
    this.name = "PeerLinkError";
    this.code = code;
  }
}

/** The longest request id the router takes (docs/protocol.md, section 11: Limits.MAX_REQUEST_ID_LENGTH). */
const MAX_SEND_ID_LENGTH = 64;
/** A UTF-16 surrogate without its other half: text that is not valid Unicode, which the router refuses. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why the router would refuse `id` as a send id, or null when it takes it. */
function badSendId(id) {
  if (typeof id !== "string" || id.length === 0) return "A send id must be a non-empty string.";
  if (id.length > MAX_SEND_ID_LENGTH) {
    return `The send id is ${id.length} characters long; the router takes at most ${MAX_SEND_ID_LENGTH}.`;
  }
  const lone = LONE_SURROGATE.exec(id);
  return lone ? `The send id is not valid Unicode: a lone surrogate at position ${lone.index + 1}.` : null;
}

/**
 * Parses a node's address as users write it: `host:port` or `wss://host:port` (TLS), or `ws://host:port`
 * (plain text, only with `allowPlain`). Returns the WebSocket URL of its /ws endpoint.
 */
export function webSocketUrl(server, allowPlain = false) {
  let secure = true;
  let hostPort = String(server ?? "");
  if (hostPort.startsWith("wss://")) {
    hostPort = hostPort.slice(6);
  } else if (hostPort.startsWith("ws://")) {
    secure = false;
    hostPort = hostPort.slice(5);
  }
  let url;
  try {
    url = new URL("ws://" + hostPort);
  } catch {
    url = null;
  }
  if (!url || !url.port || url.username || url.password || hostPort !== url.host) {
    throw new Error(`'${server}' is not a router node's address (host:port, wss://host:port or ws://host:port), e.g. localhost:8008`);
  }
  if (!secure && !allowPlain) {
    throw new Error(`'${server}' is plain text (ws://); pass allowPlain: true for a node run with peerlink.gateway.tls.enabled = off`);
  }
  return (secure ? "wss://" : "ws://") + hostPort + "/ws";
}

function randomHex(bytes) {
  const array = new Uint8Array(bytes);
  globalThis.crypto.getRandomValues(array);
  return Array.from(array, (b) => b.toString(16).padStart(2, "0")).join("");
}

export class PeerLinkClient {
  #o;
  #listener;
  #keys;
  #resume;
  #WebSocket;
  /** id -> { frame, resolve, reject, timer }, in submission order: all are resent after each login. */
  #pending = new Map();
  /** register() and loggedIn() calls waiting for the next login. */
  #loginWaits = [];
  #idPrefix = randomHex(6);
  #counter = 0;
  #generation = 0;
  #serverIndex = -1;
  #server = null;
  #socket = null;
  #backoff;
  #nonce = null;
  #authId = null;
  #authenticated = false;
  #login = null;
  #registering = false;
  #invitation = null;
  #createdKey = null;
  #cannotLogIn = null;
  #lastSeq = 0;
  #ackedUpTo = 0;
  #ackTimer = null;
  #closing = null;
  #closeTimer = null;
  #closed = false;
  #version = CURRENT_VERSION;
  #batching = false;
  #batch = [];
  #batchChars = 0;
  #flushQueued = false;
  #replaced = false;
  #retrying = false;
  #reconnectTimer = null;

  /**
   * options: peer (required), servers (required, tried in order, round robin on failure), keys (a key store:
   * { load(), create(), discard(pair) }; default in memory), resume ({ load(), save(seq) }; default in memory),
   * listener ({ onMessage, onDelivered, onExpired, onConnected, onDisconnected, onNotice, onNeedsRegistration },
   * all optional), WebSocket (a constructor; default globalThis.WebSocket, in Node 20 pass the `ws` package's),
   * createWebSocket (url => socket, instead of WebSocket: to pass the `ws` package a CA, say), allowPlain,
   * requestTimeout, minBackoff, maxBackoff, ackDelay, retryDelay, connectTimeout (ms), receipts.
   */
  constructor(options) {
    const o = { ...DEFAULTS, ...options };
    if (typeof o.peer !== "string" || o.peer.length === 0) throw new Error("options.peer: the peer ID is required");
    if (!Array.isArray(o.servers) || o.servers.length === 0) throw new Error("options.servers: no router node to connect to");
    o.urls = o.servers.map((s) => webSocketUrl(s, o.allowPlain));
    const WS = o.WebSocket ?? globalThis.WebSocket;
    if (!o.createWebSocket && typeof WS !== "function") {
      throw new Error("No WebSocket in this runtime (Node 20 has none): pass options.WebSocket, e.g. the 'ws' package's: "
        + "import WebSocket from 'ws'; new PeerLinkClient({ ..., WebSocket })");
    }
    this.#WebSocket = WS;
    this.#o = o;
    this.#listener = o.listener ?? {};
    this.#keys = o.keys ?? memoryKeyStore();
    this.#resume = o.resume ?? memoryResumeStore();
    this.#backoff = o.minBackoff;
  }

  /** Makes a client and starts connecting at once; it logs in by itself when the key store has a key. */
  static start(options) {
    const client = new PeerLinkClient(options);
    client.#begin();
    return client;
  }

  async #begin() {
    try {
      this.#lastSeq = Number(await this.#resume.load()) || 0;
    } catch (e) {
      this.#notify("onNotice", "UNKNOWN_ERROR", "Cannot read the resume point: " + e.message + "; starting from 0.");
      this.#lastSeq = 0;
    }
    this.#ackedUpTo = this.#lastSeq;
    if (!this.#closed) this.#connect();
  }

  get peer() { return this.#o.peer; }
  /** The node this client is connected (or connecting) to. */
  get server() { return this.#server; }
  get isLoggedIn() { return this.#authenticated; }
  /** The highest push seq handed to the listener. */
  get lastSeq() { return this.#lastSeq; }
  /** The protocol version agreed with the current node. */
  get version() { return this.#version; }

  // ---- the application's calls

  /** A new id for send(); keep it to resend the same message (the router never makes a second one). */
  newMessageId() {
    return `${this.#idPrefix}-${++this.#counter}`;
  }

  /**
   * Claims the peer ID with this client's key (making one if the store has none) and logs in; resolves with
   * the login's `ok` ({ peer, lastSeq }). `invitation`: an operator's token, for routers that register by
   * invitation only.
   */
  register(invitation = null, { timeout } = {}) {
    if (this.#authenticated) return Promise.resolve(this.#login);
    if (this.#replaced || this.#closing || this.#closed) {
      return Promise.reject(this.#replaced ? this.#cannotLogIn : new PeerLinkError("CLOSED", "The client is closing."));
    }
    this.#cannotLogIn = null;
    this.#registering = true;
    this.#invitation = invitation;
    const promise = this.#waitForLogin(timeout);
    if (this.#nonce !== null && this.#authId === null) this.#authenticate();
    return promise;
  }

  /** Resolves when logged in: at once if it is, else at the next login; fails when no login can come by itself. */
  loggedIn({ timeout } = {}) {
    if (this.#authenticated) return Promise.resolve(this.#login);
    if (this.#cannotLogIn || this.#closing || this.#closed) {
      return Promise.reject(this.#cannotLogIn ?? new PeerLinkError("CLOSED", "The client is closing."));
    }
    return this.#waitForLogin(timeout);
  }

  /**
   * Sends text to a peer or a group; resolves with the `ok` ({ msgId, state, recipients, duplicate?, rejected? })
   * once the router has the message durably. options: id (to resend a message: same id, never a second
   * message), ttl (seconds), receipts (false: no delivered pushes), timeout (ms).
   */
  send(to, body, { id, ttl, receipts, timeout } = {}) {
    const badId = id === undefined || id === null ? null : badSendId(id);
    if (badId) {
      // The router refuses such an id with BAD_FRAME and cannot echo it, so its answer would match no request
      // and this send would wait for its whole timeout: say so now.
      return Promise.reject(new PeerLinkError("BAD_FRAME", badId));
    }
    const frame = { type: "send", id: id ?? this.newMessageId(), to, body };
    if (receipts === false || (receipts === undefined && !this.#o.receipts)) frame.receipts = false;
    if (ttl !== undefined && ttl !== null) frame.ttl = ttl;
    return this.#request(frame, timeout);
  }

  /** A page of the groups you may see: { groups: [{ name, members, member, private?, invited? }], next? }. */
  groups({ after, limit, timeout } = {}) {
    return this.#request(this.#paged({ type: "groups" }, after, limit), timeout);
  }

  /** A page of a group's members: { group, members: [...], owner?, next? }. */
  members(group, { after, limit, timeout } = {}) {
    return this.#request(this.#paged({ type: "members", group }, after, limit), timeout);
  }

  /** Every group you may see, following the pages. */
  async allGroups(options = {}) {
    const all = [];
    let after;
    do {
      const page = await this.groups({ ...options, after });
      all.push(...page.groups);
      after = page.next;
    } while (after !== undefined && after !== null);
    return all;
  }

  /** Every member of a group, following the pages. */
  async allMembers(group, options = {}) {
    const all = [];
    let after;
    do {
      const page = await this.members(group, { ...options, after });
      all.push(...page.members);
      after = page.next;
    } while (after !== undefined && after !== null);
    return all;
  }

  createGroup(group, { private: isPrivate = false, timeout } = {}) {
    const frame = { type: "create_group", id: this.#requestId(), group };
    if (isPrivate) frame.private = true;
    return this.#request(frame, timeout);
  }
  joinGroup(group, o = {}) { return this.#simple("join_group", { group }, o); }
  leaveGroup(group, o = {}) { return this.#simple("leave_group", { group }, o); }
  invite(group, peer, o = {}) { return this.#simple("invite", { group, peer }, o); }
  remove(group, peer, o = {}) { return this.#simple("remove", { group, peer }, o); }
  ban(group, peer, o = {}) { return this.#simple("ban", { group, peer }, o); }
  unban(group, peer, o = {}) { return this.#simple("unban", { group, peer }, o); }
  giveGroup(group, peer, o = {}) { return this.#simple("give_group", { group, peer }, o); }
  deleteGroup(group, o = {}) { return this.#simple("delete_group", { group }, o); }
  block(peer, o = {}) { return this.#simple("block", { peer }, o); }
  unblock(peer, o = {}) { return this.#simple("unblock", { peer }, o); }
  /** { msgId, state, recipients, delivered, rejected?, expired? } of a message you sent. */
  status(msgId, o = {}) { return this.#simple("status", { msgId }, o); }

  /**
   * Closes the client. With `grace` (ms) it first waits that long for answers still due; then every
   * unanswered request fails with CLOSED.
   */
  close(grace = 0) {
    if (this.#closed) return Promise.resolve();
    if (this.#closing) return this.#closing.promise;
    let resolve;
    const promise = new Promise((r) => { resolve = r; });
    this.#closing = { promise, resolve };
    if (!this.#outstanding() || grace <= 0) {
      this.#finish();
    } else {
      this.#closeTimer = setTimeout(() => this.#finish(), grace);
    }
    return promise;
  }

  // ---- requests and deadlines

  #requestId() {
    return `${this.#idPrefix}-r${++this.#counter}`;
  }

  #paged(frame, after, limit) {
    frame.id = this.#requestId();
    if (after !== undefined && after !== null) frame.after = after;
    if (limit !== undefined && limit !== null) frame.limit = limit;
    return frame;
  }

  #simple(type, fields, { timeout } = {}) {
    return this.#request({ type, id: this.#requestId(), ...fields }, timeout);
  }

  #request(frame, timeout) {
    return new Promise((resolve, reject) => {
      if (this.#closing || this.#closed) {
        reject(new PeerLinkError("CLOSED", "The client is closing."));
        return;
      }
      if (!this.#authenticated && this.#cannotLogIn) {
        reject(this.#cannotLogIn);
        return;
      }
      const request = { frame, resolve, reject, timer: null };
      request.timer = setTimeout(() => {
        if (this.#pending.get(frame.id) === request) {
          this.#pending.delete(frame.id);
          reject(new PeerLinkError("TIMED_OUT", `The router did not answer within the request's deadline (${this.#connectionState()}); it may or may not have taken effect.`));
          this.#finishIfDone();
        }
      }, timeout ?? this.#o.requestTimeout);
      this.#pending.set(frame.id, request);
      if (this.#authenticated && !this.#retrying) this.#write(frame);
    });
  }

  #waitForLogin(timeout) {
    return new Promise((resolve, reject) => {
      const wait = { resolve, reject, timer: null };
      wait.timer = setTimeout(() => {
        const i = this.#loginWaits.indexOf(wait);
        if (i >= 0) {
          this.#loginWaits.splice(i, 1);
          if (this.#loginWaits.length === 0) this.#registering = false;
          reject(new PeerLinkError("TIMED_OUT", `Not logged in within the deadline (${this.#connectionState()}).`));
          this.#finishIfDone();
        }
      }, timeout ?? this.#o.requestTimeout);
      this.#loginWaits.push(wait);
    });
  }

  #connectionState() {
    if (this.#authenticated) return "logged in on " + this.#server;
    return this.#socket === null || this.#nonce === null
      ? "not connected; last tried " + this.#server
      : "connected to " + this.#server + ", not logged in yet";
  }

  #outstanding() {
    return this.#pending.size > 0 || this.#registering;
  }

  #finishIfDone() {
    if (this.#closing && !this.#outstanding()) queueMicrotask(() => this.#finish());
  }

  /** Fails every login wait (a registration first), then every request. */
  #failAll(error) {
    const waits = this.#loginWaits;
    this.#loginWaits = [];
    this.#registering = false;
    for (const wait of waits) {
      clearTimeout(wait.timer);
      wait.reject(error);
    }
    const requests = [...this.#pending.values()];
    this.#pending.clear();
    for (const request of requests) {
      clearTimeout(request.timer);
      request.reject(error);
    }
  }

  #finish() {
    if (this.#closed) return;
    this.#flushAck();
    this.#flushWrites();
    this.#closed = true;
    clearTimeout(this.#closeTimer);
    clearTimeout(this.#reconnectTimer);
    clearTimeout(this.#ackTimer);
    this.#failAll(new PeerLinkError("CLOSED", "The client was closed before the router answered; the request may or may not have taken effect."));
    this.#generation++;
    if (this.#socket) {
      try { this.#socket.close(1000, "client closed"); } catch { /* already closed */ }
    }
    this.#socket = null;
    if (this.#closing) this.#closing.resolve();
  }

  // ---- the connection

  #connect() {
    if (this.#closed) return;
    const generation = ++this.#generation;
    this.#serverIndex = (this.#serverIndex + 1) % this.#o.servers.length;
    this.#server = this.#o.servers[this.#serverIndex];
    const url = this.#o.urls[this.#serverIndex];
    let socket;
    try {
      socket = this.#o.createWebSocket ? this.#o.createWebSocket(url) : new this.#WebSocket(url);
    } catch (e) {
      queueMicrotask(() => this.#lost(generation, "cannot open " + url + ": " + e.message));
      return;
    }
    this.#socket = socket;
    let problem = null;
    const opening = setTimeout(() => {
      if (generation === this.#generation && this.#nonce === null) {
        this.#lost(generation, `no welcome from ${url} within ${this.#o.connectTimeout} ms`);
      }
    }, this.#o.connectTimeout);
    socket.onerror = (event) => {
      problem = (event && (event.message || (event.error && event.error.message))) || "the connection failed";
    };
    socket.onclose = (event) => {
      clearTimeout(opening);
      const why = problem ?? (event && event.reason ? `closed (${event.code}: ${event.reason})` : `connection closed (${event ? event.code : "?"})`);
      this.#lost(generation, why);
    };
    socket.onmessage = (event) => {
      if (generation !== this.#generation) return;
      if (typeof event.data !== "string") return; // binary frames are not part of the protocol
      this.#received(event.data);
    };
  }

  #lost(generation, reason) {
    if (generation !== this.#generation || this.#closed) return;
    this.#generation++;
    const wasAuthenticated = this.#authenticated;
    if (this.#socket) {
      try { this.#socket.close(); } catch { /* already closed */ }
    }
    this.#socket = null;
    this.#batch = [];
    this.#batchChars = 0;
    this.#batching = false;
    this.#nonce = null;
    this.#authId = null;
    this.#authenticated = false;
    this.#login = null;
    if (wasAuthenticated || !this.#closing) this.#notify("onDisconnected", this.#server, reason);
    if (this.#closing) {
      this.#finish();
      return;
    }
    if (this.#replaced) {
      this.#failAll(this.#cannotLogIn); // nothing reconnects: nothing pending can be answered
      return;
    }
    this.#reconnectTimer = setTimeout(() => this.#connect(), this.#backoff);
    this.#backoff = Math.min(this.#backoff * 2, this.#o.maxBackoff);
  }

  #received(text) {
    for (const line of text.split("\n")) {
      let frame;
      try {
        frame = JSON.parse(line);
      } catch {
        frame = null;
      }
      if (frame === null || typeof frame !== "object" || Array.isArray(frame) || typeof frame.type !== "string") {
        this.#notify("onNotice", "BAD_FRAME", "The router sent a frame this client cannot read.");
        continue;
      }
      switch (frame.type) {
        case "message":
        case "delivered":
        case "expired":
          if (Number.isSafeInteger(frame.seq)) this.#pushed(frame);
          else this.#notify("onNotice", "BAD_FRAME", `The router sent a ${frame.type} push without a seq.`);
          break;
        case "welcome":
          this.#welcomed(frame);
          break;
        default:
          this.#answered(typeof frame.id === "string" ? frame.id : null, frame);
      }
    }
  }

  /** Speaks the newest version both sides know; batches only with version 2 or later. */
  #welcomed(welcome) {
    if (typeof welcome.nonce !== "string") {
      this.#notify("onNotice", "BAD_FRAME", "The router's welcome has no nonce.");
      return;
    }
    this.#nonce = welcome.nonce;
    const offered = Array.isArray(welcome.versions) ? welcome.versions : [];
    const shared = offered.filter((v) => VERSIONS.includes(v));
    this.#version = shared.length ? Math.max(...shared) : CURRENT_VERSION;
    if (!shared.length) {
      this.#notify("onNotice", "UNSUPPORTED_VERSION", `The router speaks versions ${JSON.stringify(offered)}; this client speaks ${JSON.stringify(VERSIONS)}: update one of them.`);
    }
    this.#authenticate();
  }

  async #authenticate() {
    const generation = this.#generation;
    const nonce = this.#nonce;
    const authId = "auth-" + generation;
    this.#authId = authId; // taken now, so that a register() meanwhile waits for this attempt
    try {
      let pair = await this.#keys.load();
      let frame;
      if (this.#registering) {
        if (!pair) {
          pair = await this.#keys.create();
          this.#createdKey = pair;
        }
        frame = { type: "register", id: authId, version: this.#version, peer: this.#o.peer };
      } else if (pair) {
        // With its public key the server verifies the signature on the connection, in parallel with other logins.
        frame = { type: "login", id: authId, version: this.#version, peer: this.#o.peer };
      } else {
        if (generation !== this.#generation) return;
        this.#authId = null;
        this.#cannotLogIn = new PeerLinkError("NOT_REGISTERED", `Peer '${this.#o.peer}' has no key yet: register before anything else.`);
        this.#failAll(this.#cannotLogIn);
        this.#notify("onNeedsRegistration", this.#server);
        this.#finishIfDone();
        return;
      }
      frame.publicKey = await publicKeyBase64(pair);
      frame.signature = await signLogin(pair.privateKey, nonce, this.#o.peer);
      frame.lastSeq = this.#lastSeq;
      if (frame.type === "register" && this.#invitation) frame.invitation = this.#invitation;
      if (generation !== this.#generation || this.#authId !== authId) return; // the connection went meanwhile
      this.#write(frame);
    } catch (e) {
      if (generation !== this.#generation) return;
      this.#authId = null;
      this.#cannotLogIn = new PeerLinkError("AUTH_FAILED", "Cannot use this peer's key: " + e.message);
      this.#failAll(this.#cannotLogIn);
      this.#notify("onNotice", "AUTH_FAILED", this.#cannotLogIn.message);
      this.#finishIfDone();
    }
  }

  #answered(id, frame) {
    if (id !== null && id === this.#authId) {
      this.#authAnswered(frame);
      return;
    }
    if (frame.type === "error") {
      if (id === null || !this.#pending.has(id)) {
        this.#notice(frame);
        return;
      }
      if (frame.code === "UNAVAILABLE") {
        // Resend with the same id (never a second message); until then send nothing newer, so that the
        // retry cannot land behind a later message of the same sender.
        if (!this.#retrying) {
          this.#retrying = true;
          setTimeout(() => this.#resendPending(), this.#o.retryDelay);
        }
        return;
      }
    }
    const request = id === null ? undefined : this.#pending.get(id);
    if (!request) return; // the answer to a resent request already answered, or given up at its deadline
    this.#pending.delete(id);
    clearTimeout(request.timer);
    if (frame.type === "error") request.reject(new PeerLinkError(frame.code, frame.message));
    else request.resolve(frame);
    this.#finishIfDone();
  }

  #authAnswered(frame) {
    if (frame.type === "ok") {
      this.#authenticated = true;
      this.#login = frame;
      this.#registering = false;
      this.#createdKey = null;
      this.#cannotLogIn = null;
      this.#batching = this.#version >= FIRST_BATCHING_VERSION;
      this.#backoff = this.#o.minBackoff;
      this.#ackedUpTo = this.#lastSeq; // the resume point in the login was an acknowledgement
      const waits = this.#loginWaits;
      this.#loginWaits = [];
      for (const wait of waits) {
        clearTimeout(wait.timer);
        wait.resolve(frame);
      }
      this.#notify("onConnected", this.#server, this.#o.peer);
      this.#retrying = false;
      for (const request of [...this.#pending.values()]) this.#write(request.frame);
      this.#finishIfDone();
      return;
    }
    this.#authId = null;
    if (frame.type === "error" && frame.code === "UNAVAILABLE") {
      setTimeout(() => this.#resendPending(), this.#o.retryDelay);
      return;
    }
    const refused = new PeerLinkError(frame.code ?? "UNKNOWN_ERROR", frame.message ?? `Unexpected answer to the login: ${frame.type}`);
    if (this.#createdKey && ["ID_TAKEN", "NAME_TAKEN", "INVALID_NAME"].includes(refused.code)) {
      // a key for an ID that is not ours would fail every later login
      Promise.resolve(this.#keys.discard?.(this.#createdKey)).catch(() => {});
    }
    this.#createdKey = null;
    // No login follows by itself: fail what waits with the reason, and so every request until the next register().
    this.#cannotLogIn = refused;
    const wasRegistering = this.#registering;
    this.#failAll(refused);
    if (!wasRegistering) this.#notify("onNotice", refused.code, refused.message);
    this.#finishIfDone();
  }

  #resendPending() {
    this.#retrying = false;
    if (this.#authenticated) {
      for (const request of [...this.#pending.values()]) this.#write(request.frame);
    } else if (this.#nonce !== null && this.#authId === null && this.#cannotLogIn === null) {
      this.#authenticate();
    }
  }

  #notice(error) {
    if (error.code === "SESSION_REPLACED") {
      // another connection of this peer took over: do not fight it by reconnecting
      this.#replaced = true;
      this.#cannotLogIn = new PeerLinkError("SESSION_REPLACED", `Peer '${this.#o.peer}' logged in on another connection, which replaced this client's: ${error.message}`);
    }
    this.#notify("onNotice", error.code, error.message);
  }

  // ---- pushes and acknowledgements

  #pushed(push) {
    if (push.seq > this.#lastSeq) {
      this.#lastSeq = push.seq;
      const handler = push.type === "message" ? "onMessage" : push.type === "delivered" ? "onDelivered" : "onExpired";
      this.#notify(handler, push);
      try {
        this.#resume.save(this.#lastSeq);
      } catch (e) {
        this.#notify("onNotice", "UNKNOWN_ERROR", "Cannot save the resume point: " + e.message);
      }
    }
    if (this.#lastSeq - this.#ackedUpTo >= ACK_EVERY) {
      this.#flushAck();
    } else if (this.#ackTimer === null) {
      this.#ackTimer = setTimeout(() => this.#flushAck(), this.#o.ackDelay);
    }
  }

  #flushAck() {
    clearTimeout(this.#ackTimer);
    this.#ackTimer = null;
    if (this.#authenticated && this.#lastSeq > this.#ackedUpTo) {
      this.#write({ type: "ack", upTo: this.#lastSeq });
      this.#ackedUpTo = this.#lastSeq;
    }
  }

  /**
   * Once logged in with version 2 or later, frames wait in a batch until the code running now is done (a
   * microtask): a burst of sends leaves as one message, up to 64 KiB.
   */
  #write(frame) {
    if (this.#socket === null) return;
    const json = JSON.stringify(frame);
    if (!this.#batching) {
      this.#sendText(json);
      return;
    }
    if (this.#batch.length > 0 && this.#batchChars + 1 + json.length > BATCH_MAX_CHARS) this.#flushWrites();
    this.#batch.push(json);
    this.#batchChars += json.length + (this.#batch.length > 1 ? 1 : 0);
    if (!this.#flushQueued) {
      this.#flushQueued = true;
      queueMicrotask(() => this.#flushWrites());
    }
  }

  #flushWrites() {
    this.#flushQueued = false;
    if (this.#batch.length === 0) return;
    const text = this.#batch.join("\n");
    this.#batch = [];
    this.#batchChars = 0;
    this.#sendText(text);
  }

  #sendText(text) {
    const socket = this.#socket;
    if (socket === null || socket.readyState !== OPEN) return; // pending requests are resent after the next login
    try {
      socket.send(text);
    } catch {
      // the close event follows
    }
  }

  #notify(handler, ...args) {
    const f = this.#listener[handler];
    if (typeof f !== "function") return;
    try {
      f.apply(this.#listener, args);
    } catch (e) {
      console.error(`PeerLink listener ${handler} threw`, e);
    }
  }
}
