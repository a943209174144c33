// Type declarations of identity.js: Ed25519 keys through WebCrypto (or @noble/ed25519 where WebCrypto has no
// Ed25519), in the console's key file format.

/** A key made or imported where WebCrypto has no Ed25519: the raw bytes, used through @noble/ed25519. */
export interface SoftwarePublicKey { type: "noble-ed25519"; raw: Uint8Array }
export interface SoftwarePrivateKey { type: "noble-ed25519"; seed: Uint8Array; extractable: true }
export type KeyPair =
  | { publicKey: CryptoKey; privateKey: CryptoKey }
  | { publicKey: SoftwarePublicKey; privateKey: SoftwarePrivateKey };

export declare function toBase64(bytes: ArrayBufferLike | Uint8Array): string;
export declare function fromBase64(text: string): Uint8Array;
export declare function generateIdentity(options?: { extractable?: boolean }): Promise<KeyPair>;
export declare function publicKeyBase64(pair: KeyPair): Promise<string>;
/** Which implementation new keys use in this runtime. */
export declare function ed25519Implementation(): Promise<"webcrypto" | "noble">;
export declare function signLogin(privateKey: CryptoKey | SoftwarePrivateKey, nonce: string, peer: string): Promise<string>;
/** The console's identity.json text: {"publicKey": Base64 X.509, "privateKey": Base64 PKCS#8}. */
export declare function exportKeyFile(pair: KeyPair): Promise<string>;
export declare function importKeyFile(text: string, options?: { extractable?: boolean }): Promise<KeyPair>;
export declare function memoryKeyStore(initial?: KeyPair | null): {
  load(): Promise<KeyPair | null>; create(): Promise<KeyPair>; discard(pair: KeyPair): Promise<void>;
};
export declare function memoryResumeStore(initial?: number): { load(): number; save(seq: number): void };
