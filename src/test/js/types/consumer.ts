// A program written against the library's declarations (peerlink.d.ts, identity.d.ts) the way docs/client.md's
// JavaScript section documents the library. It is never run: types.test.js type-checks it with the pinned tsc
// (strict), so a declaration that stops matching the documented use, or that loosens to `any` (see the
// expected errors at the end: each must stay an error), fails the test.

import {
  CURRENT_VERSION, DEFAULTS, PeerLinkClient, PeerLinkError, VERSIONS, ed25519Implementation, exportKeyFile,
  fromBase64, generateIdentity, importKeyFile, memoryKeyStore, memoryResumeStore, publicKeyBase64, signLogin,
  toBase64, webSocketUrl,
} from "../../../main/resources/web/peerlink.js";
import type {
  Delivered, Expired, GroupInfo, GroupList, KeyPair, KeyStore, Listener, LoginOk, MemberList, Message,
  MessageStatus, Ok, ResumeStore, SendOk, WebSocketLike,
} from "../../../main/resources/web/peerlink.js";

const servers = ["localhost:8008", "wss://node2.example:8008"];
const run = Date.now().toString(36);
const aliceId = `alice-${run}`;
const bobId = `bob-${run}`;

// ---- the complete example of docs/client.md, with types

const bob: PeerLinkClient = PeerLinkClient.start({
  peer: bobId, servers,
  listener: { onMessage: (m) => bob.send(m.from, [...m.body].reverse().join(""), { receipts: false }) },
});
await bob.register();

let reply: (body: string) => void = () => {};
let receipt: (d: Delivered) => void = () => {};
const replied = new Promise<string>((resolve) => (reply = resolve));
const delivered = new Promise<Delivered>((resolve) => (receipt = resolve));
const alice = PeerLinkClient.start({
  peer: aliceId, servers,
  createWebSocket: (url) => new WebSocket(url), // the browser's; in Node the `ws` package's
  listener: {
    onMessage: (m) => reply(m.body),
    onDelivered: (d) => receipt(d),
    onDisconnected: (server, reason) => console.log(`lost ${server} (${reason}); the client reconnects by itself`),
  },
});
const login: LoginOk = await alice.register();
console.log(`logged in as ${login.peer} from seq ${login.lastSeq}`);

const sent: SendOk = await alice.send(bobId, "hello");
const state: "SENT" | "DELIVERED" | "EXPIRED" = sent.state;
console.log(`${state} as ${sent.msgId} to ${sent.recipients}`, sent.duplicate === true, sent.rejected?.map((r) => `${r.peer}: ${r.code} ${r.message}`));
console.log(`reply: ${await replied}`);
const d = await delivered;
console.log(`DELIVERED to ${d.recipient} (${d.deliveredCount}/${d.recipientCount})`);

try {
  await alice.send(`nobody-${run}`, "anyone there?");
} catch (e) {
  if (!(e instanceof PeerLinkError)) throw e;
  const code: string = e.code;
  console.log(`refused: ${code}: ${e.message}`);
}

await alice.groups({ timeout: 5_000 });
console.log(`still logged in as ${(await alice.loggedIn()).peer}`);

// ---- the API table

const full = new PeerLinkClient({
  peer: "carol", servers: ["ws://localhost:8008"], allowPlain: true,
  keys: memoryKeyStore(), resume: memoryResumeStore(),
  WebSocket, // the browser's constructor
  requestTimeout: DEFAULTS.requestTimeout, minBackoff: 100, maxBackoff: 3_000, ackDelay: 20, retryDelay: 500,
  connectTimeout: 10_000, receipts: true,
});
const isLoggedIn: boolean = full.isLoggedIn;
const where: string | null = full.server;
const lastSeq: number = full.lastSeq;
const version: number = full.version;
console.log(full.peer, isLoggedIn, where, lastSeq, version, VERSIONS.includes(CURRENT_VERSION));

await full.register("an-operators-invitation", { timeout: 10_000 });
await full.register(null);
const id: string = full.newMessageId();
await full.send("dave", "again", { id, ttl: 3_600, receipts: true, timeout: 5_000 });

const page: GroupList = await full.groups({ after: "g100", limit: 50 });
const next: string | undefined = page.next;
for (const g of page.groups) console.log(g.name, g.members, g.member, g.private === true, g.invited === true, next);
const members: MemberList = await full.members("team", { after: "bob", limit: 10, timeout: 1_000 });
console.log(members.group, members.members.join(","), members.owner, members.next);
const everyGroup: GroupInfo[] = await full.allGroups({ timeout: 5_000 });
const everyMember: string[] = await full.allMembers("team");
console.log(everyGroup.length, everyMember.length);

const oks: Ok[] = [
  await full.createGroup("team", { private: true, timeout: 1_000 }),
  await full.createGroup("open"),
  await full.joinGroup("open"),
  await full.leaveGroup("open", { timeout: 1_000 }),
  await full.invite("team", "erin"),
  await full.remove("team", "erin"),
  await full.ban("team", "mallory"),
  await full.unban("team", "mallory"),
  await full.giveGroup("team", "bob"),
  await full.deleteGroup("open"),
  await full.block("mallory"),
  await full.unblock("mallory", { timeout: 1_000 }),
];
console.log(oks.map((o) => o.id));
const status: MessageStatus = await full.status(sent.msgId);
console.log(status.state, status.recipients, status.delivered, status.expired, status.rejected);

await full.close();
await alice.close(5_000);
await bob.close(5_000);

// ---- the listener: every callback, each optional

const listener: Listener = {
  onMessage(m: Message) { console.log(m.seq, m.msgId, m.from, m.to, m.group, m.body, new Date(m.sentAt)); },
  onDelivered(x: Delivered) { console.log(x.seq, x.msgId); },
  onExpired(x: Expired) { console.log(x.recipient, x.expiredCount, x.recipientCount); },
  onConnected(server: string, peer: string) { console.log(server, peer); },
  onDisconnected(server: string, reason: string) { console.log(server, reason); },
  onNotice(code: string, message: string) { console.log(code, message); },
  onNeedsRegistration(server: string) { console.log(server); },
};
const quiet: Listener = {};
console.log(listener, quiet);

// ---- keys and resume points: the library's stores, a page's own, WebCrypto's key pairs

const implementation: "webcrypto" | "noble" = await ed25519Implementation();
const pair: KeyPair = await generateIdentity();
const kept: KeyPair = await generateIdentity({ extractable: false });
const file: string = await exportKeyFile(pair);
const imported: KeyPair = await importKeyFile(file);
const importedKept: KeyPair = await importKeyFile(file, { extractable: false });
console.log(implementation, kept, imported, importedKept, await publicKeyBase64(pair));
if ("seed" in pair.privateKey) console.log(pair.privateKey.type, pair.privateKey.seed.length);
await signLogin(pair.privateKey, "nonce", "alice");
const bytes: Uint8Array = fromBase64(toBase64(new Uint8Array([1, 2, 3])));
console.log(toBase64(bytes.buffer), webSocketUrl("localhost:8008"), webSocketUrl("ws://localhost:8008", true));

const webCryptoPair: CryptoKeyPair = await crypto.subtle.generateKey({ name: "Ed25519" }, true, ["sign", "verify"]) as CryptoKeyPair;
const fromWebCrypto: KeyPair = webCryptoPair;
const seeded = memoryKeyStore(fromWebCrypto);
const memory: KeyStore = seeded;
await seeded.discard(fromWebCrypto);

let stored: KeyPair | null = null; // say, in IndexedDB
const pageKeys: KeyStore = {
  async load() { return stored; },
  async create() { stored = await generateIdentity({ extractable: false }); return stored; },
  async discard(made) { if (stored === made) stored = null; },
};
const withoutDiscard: KeyStore = { load: async () => null, create: () => generateIdentity() };
const pageResume: ResumeStore = {
  load: () => Number(localStorage.getItem(`seq:${aliceId}`) ?? 0),
  save: (seq) => localStorage.setItem(`seq:${aliceId}`, String(seq)),
};
const asyncResume: ResumeStore = { load: async () => 42, save: () => {} };
console.log(memory, pageKeys, withoutDiscard, pageResume, asyncResume);

const socket: WebSocketLike = new WebSocket("wss://localhost:8008/ws");
socket.close(1000, "done");

const mine = new PeerLinkError("CLOSED", "closed");
const asError: Error = mine;
console.log(asError.message, mine.code, DEFAULTS.receipts, DEFAULTS.connectTimeout);

// ---- misuse the declarations must reject

// @ts-expect-error the text is a string
await alice.send(bobId, 42);
// @ts-expect-error a send needs a recipient and a text
await alice.send(bobId);
// @ts-expect-error no such send option
await alice.send(bobId, "hi", { tll: 60 });
// @ts-expect-error the peer option is required
PeerLinkClient.start({ servers });
// @ts-expect-error servers is a list
PeerLinkClient.start({ peer: "alice", servers: "localhost:8008" });
// @ts-expect-error no such callback: a misspelt listener name would never be called
PeerLinkClient.start({ peer: "alice", servers, listener: { onMesage: (m: Message) => console.log(m) } });
// @ts-expect-error a message's body is a string
const notANumber: number = (null as unknown as Message).body;
// @ts-expect-error the page's cursor is `after`
await full.groups({ from: "g100" });
// @ts-expect-error members needs the group
await full.members({ limit: 10 });
// @ts-expect-error the code is a property, not a method
mine.code();
// @ts-expect-error the key file is text
await importKeyFile(new Uint8Array(3));
// @ts-expect-error a state the router never answers
if (sent.state === "LOST") console.log(notANumber);
// @ts-expect-error peer is read-only
full.peer = "someone-else";
// @ts-expect-error close takes milliseconds
await full.close("5s");
