// A peer's identity: its Ed25519 key pair, through WebCrypto (crypto.subtle, algorithm "Ed25519"), in the
// key file format of the console (`~/.peerlink/peers/<id>/identity.json`: Base64 X.509 SubjectPublicKeyInfo
// and Base64 PKCS#8), so one identity works in the console, the Java library and here.

const ALGORITHM = { name: "Ed25519" };
const AUTH_CONTEXT = "peerlink-auth-v1";

function subtle() {
  const s = globalThis.crypto && globalThis.crypto.subtle;
  if (!s) {
    throw new Error("This JavaScript runtime has no WebCrypto (crypto.subtle): a browser gives it only to pages "
      + "served over https:// or from localhost/127.0.0.1; Node has it from version 18.");
  }
  return s;
}

export function toBase64(bytes) {
  const array = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  let text = "";
  for (let i = 0; i < array.length; i += 0x8000) {
    text += String.fromCharCode.apply(null, array.subarray(i, i + 0x8000));
  }
  return btoa(text);
}

export function fromBase64(text) {
  const raw = atob(text);
  const bytes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return bytes;
}

/** A new key pair. `extractable: false` keeps the private key inside the runtime (it cannot be exported then). */
export async function generateIdentity({ extractable = true } = {}) {
  try {
    const pair = await subtle().generateKey(ALGORITHM, true, ["sign", "verify"]);
    if (extractable) return pair;
    // generateKey makes both keys alike; re-import the private one as non-extractable.
    const pkcs8 = await subtle().exportKey("pkcs8", pair.privateKey);
    const privateKey = await subtle().importKey("pkcs8", pkcs8, ALGORITHM, false, ["sign"]);
    return { publicKey: pair.publicKey, privateKey };
  } catch (e) {
    if (e && e.name === "NotSupportedError") {
      throw new Error("This browser's WebCrypto has no Ed25519 (current Chromium, Firefox and Safari and Node 18+ have it); update it.");
    }
    throw e;
  }
}

/** The public key as the protocol carries it: Base64 of its X.509 SubjectPublicKeyInfo (60 characters). */
export async function publicKeyBase64(pair) {
  return toBase64(await subtle().exportKey("spki", pair.publicKey));
}

/** The login signature of docs/protocol.md, section 3: Ed25519 over `peerlink-auth-v1:<nonce>:<peer>`, Base64. */
export async function signLogin(privateKey, nonce, peer) {
  const text = new TextEncoder().encode(`${AUTH_CONTEXT}:${nonce}:${peer}`);
  return toBase64(await subtle().sign(ALGORITHM, privateKey, text));
}

/** The key file's text, as the console writes it. Needs an extractable private key. */
export async function exportKeyFile(pair) {
  if (!pair.privateKey.extractable) {
    throw new Error("This key was kept non-extractable, so it cannot be exported.");
  }
  const publicKey = await publicKeyBase64(pair);
  const privateKey = toBase64(await subtle().exportKey("pkcs8", pair.privateKey));
  return `{\n  "publicKey" : "${publicKey}",\n  "privateKey" : "${privateKey}"\n}`;
}

/**
 * Reads a key file (the console's identity.json) and checks that its two keys belong together.
 * Throws an Error whose message says what is wrong.
 */
export async function importKeyFile(text, { extractable = true } = {}) {
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error("The key file is not JSON; it should be the console's identity.json.");
  }
  if (!json || typeof json.publicKey !== "string" || typeof json.privateKey !== "string") {
    throw new Error("The key file has no \"publicKey\" and \"privateKey\"; it should be the console's identity.json.");
  }
  let pair;
  try {
    const publicKey = await subtle().importKey("spki", fromBase64(json.publicKey), ALGORITHM, true, ["verify"]);
    const privateKey = await subtle().importKey("pkcs8", fromBase64(json.privateKey), ALGORITHM, extractable, ["sign"]);
    pair = { publicKey, privateKey };
  } catch (e) {
    throw new Error("The key file does not hold an Ed25519 key pair (" + (e && e.message ? e.message : e) + ").");
  }
  const probe = new TextEncoder().encode("peerlink-key-check");
  const signature = await subtle().sign(ALGORITHM, pair.privateKey, probe);
  if (!(await subtle().verify(ALGORITHM, pair.publicKey, signature, probe))) {
    throw new Error("The key file's public key does not belong to its private key.");
  }
  return pair;
}

/** A key store that forgets the key with the page or process (tests, bots that register every run). */
export function memoryKeyStore(initial = null) {
  let keys = initial;
  return {
    async load() { return keys; },
    async create() { keys = await generateIdentity(); return keys; },
    async discard(made) { if (keys === made) keys = null; },
  };
}

/** A resume point kept in memory only. */
export function memoryResumeStore(initial = 0) {
  let seq = initial;
  return { load() { return seq; }, save(value) { seq = value; } };
}
