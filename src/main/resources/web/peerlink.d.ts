// Type declarations of the PeerLink JavaScript client library (peerlink.js, identity.js): plain ES modules,
// no build step. The frames are those of docs/protocol.md, section 6.

export * from "./identity.js";
import type { KeyPair } from "./identity.js";

export declare const VERSIONS: number[];
export declare const CURRENT_VERSION: number;
export declare const DEFAULTS: Readonly<{
  requestTimeout: number; minBackoff: number; maxBackoff: number; ackDelay: number;
  retryDelay: number; connectTimeout: number; receipts: boolean;
}>;

/** Error codes of docs/protocol.md section 12, and the client's own (TIMED_OUT, CLOSED, NOT_REGISTERED, UNKNOWN_ERROR). */
export type ErrorCode = string;

export declare class PeerLinkError extends Error {
  constructor(code: ErrorCode, message: string);
  readonly code: ErrorCode;
}

export interface Rejection { peer: string; code: "INBOX_FULL" | "BLOCKED" | string; message: string }
export interface LoginOk { type: "ok"; id: string; peer: string; lastSeq: number }
export interface SendOk {
  type: "ok"; id: string; msgId: string; state: "SENT" | "DELIVERED" | "EXPIRED";
  recipients: number; duplicate?: true; rejected?: Rejection[];
}
export interface Ok { type: "ok"; id: string }
export interface GroupInfo { name: string; members: number; member: boolean; private?: true; invited?: true }
export interface GroupList { type: "group_list"; id: string; groups: GroupInfo[]; next?: string }
export interface MemberList { type: "member_list"; id: string; group: string; members: string[]; owner?: string; next?: string }
export interface MessageStatus {
  type: "message_status"; id: string; msgId: string; state: "SENT" | "DELIVERED" | "EXPIRED";
  recipients: string[]; delivered: string[]; rejected?: Rejection[]; expired?: string[];
}
export interface Message { type: "message"; seq: number; msgId: string; from: string; to: string; group?: string; body: string; sentAt: number }
export interface Delivered { type: "delivered"; seq: number; msgId: string; recipient: string; deliveredCount: number; recipientCount: number }
export interface Expired { type: "expired"; seq: number; msgId: string; recipient: string; expiredCount: number; recipientCount: number }

export interface Listener {
  onMessage?(message: Message): void;
  onDelivered?(delivered: Delivered): void;
  onExpired?(expired: Expired): void;
  onConnected?(server: string, peer: string): void;
  onDisconnected?(server: string, reason: string): void;
  /** Errors not about a request of yours (SESSION_REPLACED, a login refused, an unreadable frame). */
  onNotice?(code: ErrorCode, message: string): void;
  /** The key store has no key: call register(). */
  onNeedsRegistration?(server: string): void;
}

export interface KeyStore {
  load(): Promise<KeyPair | null>;
  create(): Promise<KeyPair>;
  discard?(pair: KeyPair): Promise<void> | void;
}

export interface ResumeStore {
  load(): number | Promise<number>;
  save(seq: number): void;
}

/**
 * The subset of the WHATWG WebSocket the client uses (the browser's, or the `ws` package's in Node). The client
 * sets the handlers and reads `event.data` (onmessage), `event.code` and `event.reason` (onclose), and
 * `event.message` or `event.error` (onerror). Their events are `any`: the handlers are written, not read, and
 * a typed event would refuse the browser's WebSocket (its handlers take a MessageEvent, a CloseEvent).
 */
export interface WebSocketLike {
  readonly readyState: number;
  send(text: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: any) => void) | null;
  onmessage: ((event: any) => void) | null;
  onerror: ((event: any) => void) | null;
  onclose: ((event: any) => void) | null;
}

export interface ClientOptions {
  peer: string;
  /** host:port or wss://host:port (TLS), ws://host:port with allowPlain; tried in order, round robin on failure. */
  servers: string[];
  keys?: KeyStore;
  resume?: ResumeStore;
  listener?: Listener;
  WebSocket?: new (url: string) => WebSocketLike;
  createWebSocket?: (url: string) => WebSocketLike;
  allowPlain?: boolean;
  /** Milliseconds; defaults in DEFAULTS. */
  requestTimeout?: number;
  minBackoff?: number;
  maxBackoff?: number;
  ackDelay?: number;
  retryDelay?: number;
  connectTimeout?: number;
  receipts?: boolean;
}

export interface CallOptions { timeout?: number }
export interface PageOptions extends CallOptions { after?: string; limit?: number }
/** `id`: 1 to 64 characters of valid Unicode, else the send rejects at once with BAD_FRAME. */
export interface SendOptions extends CallOptions { id?: string; ttl?: number; receipts?: boolean }

export declare function webSocketUrl(server: string, allowPlain?: boolean): string;

export declare class PeerLinkClient {
  constructor(options: ClientOptions);
  static start(options: ClientOptions): PeerLinkClient;
  readonly peer: string;
  readonly server: string | null;
  readonly isLoggedIn: boolean;
  readonly lastSeq: number;
  readonly version: number;
  newMessageId(): string;
  register(invitation?: string | null, options?: CallOptions): Promise<LoginOk>;
  loggedIn(options?: CallOptions): Promise<LoginOk>;
  send(to: string, body: string, options?: SendOptions): Promise<SendOk>;
  groups(options?: PageOptions): Promise<GroupList>;
  members(group: string, options?: PageOptions): Promise<MemberList>;
  allGroups(options?: CallOptions): Promise<GroupInfo[]>;
  allMembers(group: string, options?: CallOptions): Promise<string[]>;
  createGroup(group: string, options?: CallOptions & { private?: boolean }): Promise<Ok>;
  joinGroup(group: string, options?: CallOptions): Promise<Ok>;
  leaveGroup(group: string, options?: CallOptions): Promise<Ok>;
  invite(group: string, peer: string, options?: CallOptions): Promise<Ok>;
  remove(group: string, peer: string, options?: CallOptions): Promise<Ok>;
  ban(group: string, peer: string, options?: CallOptions): Promise<Ok>;
  unban(group: string, peer: string, options?: CallOptions): Promise<Ok>;
  giveGroup(group: string, peer: string, options?: CallOptions): Promise<Ok>;
  deleteGroup(group: string, options?: CallOptions): Promise<Ok>;
  block(peer: string, options?: CallOptions): Promise<Ok>;
  unblock(peer: string, options?: CallOptions): Promise<Ok>;
  status(msgId: string, options?: CallOptions): Promise<MessageStatus>;
  /** grace: milliseconds to wait for answers still due; then unanswered requests fail with CLOSED. */
  close(grace?: number): Promise<void>;
}
