// Type declarations of identity.js: Ed25519 keys through WebCrypto, in the console's key file format.

export interface KeyPair { publicKey: CryptoKey; privateKey: CryptoKey }

export declare function toBase64(bytes: ArrayBuffer | Uint8Array): string;
export declare function fromBase64(text: string): Uint8Array;
export declare function generateIdentity(options?: { extractable?: boolean }): Promise<KeyPair>;
export declare function publicKeyBase64(pair: KeyPair): Promise<string>;
export declare function signLogin(privateKey: CryptoKey, nonce: string, peer: string): Promise<string>;
/** The console's identity.json text: {"publicKey": Base64 X.509, "privateKey": Base64 PKCS#8}. */
export declare function exportKeyFile(pair: KeyPair): Promise<string>;
export declare function importKeyFile(text: string, options?: { extractable?: boolean }): Promise<KeyPair>;
export declare function memoryKeyStore(initial?: KeyPair | null): {
  load(): Promise<KeyPair | null>; create(): Promise<KeyPair>; discard(pair: KeyPair): Promise<void>;
};
export declare function memoryResumeStore(initial?: number): { load(): number; save(seq: number): void };
