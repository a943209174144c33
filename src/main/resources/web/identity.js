// A peer's identity: its Ed25519 key pair, in the key file format of the console
// (`~/.peerlink/peers/<id>/identity.json`: Base64 X.509 SubjectPublicKeyInfo and Base64 PKCS#8), so one identity
// works in the console, the Java library and here.
//
// Two implementations, one format. WebCrypto (crypto.subtle, algorithm "Ed25519") where the runtime has it:
// the private key can then be kept non-extractable. Where it has not (Chromium before 137, older Safari and
// Firefox), @noble/ed25519 (vendor/noble-ed25519.js, the published 3.2.0 file unchanged; MIT): its keys are
// "software keys", plain objects holding the 32-byte seed, so they are always extractable. Which one a key
// uses is fixed when it is made or imported; every function below takes either.

const ALGORITHM = { name: "Ed25519" };
const AUTH_CONTEXT = "peerlink-auth-v1";
// DER around Ed25519's raw 32 bytes: RFC 8410's SubjectPublicKeyInfo and PKCS#8 (v1, as Java's getEncoded()).
const SPKI_PREFIX = [0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00];
const PKCS8_PREFIX = [0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20];
const SOFTWARE = "noble-ed25519";

function subtle() {
  const s = globalThis.crypto && globalThis.crypto.subtle;
  if (!s) {
    throw new Error("This JavaScript runtime has no WebCrypto (crypto.subtle): a browser gives it only to pages "
      + "served over https:// or from localhost/127.0.0.1; Node has it from version 18.");
  }
  return s;
}

let noblePromise = null;
/** @noble/ed25519, loaded on first use only (a runtime with WebCrypto Ed25519 never fetches it). */
function noble() {
  noblePromise ??= import("./vendor/noble-ed25519.js");
  return noblePromise;
}

let webCryptoEd25519 = null;
/** Whether crypto.subtle does Ed25519, asked once by making a throwaway key. */
function hasWebCryptoEd25519() {
  webCryptoEd25519 ??= subtle().generateKey(ALGORITHM, false, ["sign", "verify"]).then(() => true, (e) => {
    if (e && (e.name === "NotSupportedError" || e.name === "TypeError" || e.name === "SyntaxError")) return false;
    throw e;
  });
  return webCryptoEd25519;
}

/** Which implementation new keys use here: "webcrypto" or "noble". */
export async function ed25519Implementation() {
  return (await hasWebCryptoEd25519()) ? "webcrypto" : "noble";
}

function isSoftware(key) {
  return !!key && key.type === SOFTWARE;
}

function softwarePair(seed, publicRaw) {
  return {
    publicKey: { type: SOFTWARE, raw: publicRaw },
    privateKey: { type: SOFTWARE, seed, extractable: true },
  };
}

function wrap(prefix, raw) {
  const bytes = new Uint8Array(prefix.length + raw.length);
  bytes.set(prefix);
  bytes.set(raw, prefix.length);
  return bytes;
}

/** The 32 bytes after `prefix`, or null when `der` is not that structure. PKCS#8 v2 (with the public key) is accepted too. */
function unwrap(der, prefix, { pkcs8 = false } = {}) {
  const lengthOk = pkcs8 ? der.length >= prefix.length + 32 && der[1] === der.length - 2 : der.length === prefix.length + 32;
  if (!lengthOk) return null;
  for (let i = 0; i < prefix.length; i++) {
    if (pkcs8 && (i === 1 || i === 4)) continue; // total length; version 0 or 1
    if (der[i] !== prefix[i]) return null;
  }
  if (pkcs8 && der[4] > 1) return null;
  return der.subarray(prefix.length, prefix.length + 32);
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

/**
 * A new key pair. `extractable: false` keeps a WebCrypto private key inside the runtime (it cannot be exported
 * then); a software key (no WebCrypto Ed25519 here) is always extractable.
 */
export async function generateIdentity({ extractable = true } = {}) {
  if (!(await hasWebCryptoEd25519())) {
    const ed = await noble();
    const seed = ed.utils.randomSecretKey();
    return softwarePair(seed, await ed.getPublicKeyAsync(seed));
  }
  const pair = await subtle().generateKey(ALGORITHM, true, ["sign", "verify"]);
  if (extractable) return pair;
  // generateKey makes both keys alike; re-import the private one as non-extractable.
  const pkcs8 = await subtle().exportKey("pkcs8", pair.privateKey);
  const privateKey = await subtle().importKey("pkcs8", pkcs8, ALGORITHM, false, ["sign"]);
  return { publicKey: pair.publicKey, privateKey };
}

/** The public key as the protocol carries it: Base64 of its X.509 SubjectPublicKeyInfo (60 characters). */
export async function publicKeyBase64(pair) {
  if (isSoftware(pair.publicKey)) return toBase64(wrap(SPKI_PREFIX, pair.publicKey.raw));
  return toBase64(await subtle().exportKey("spki", pair.publicKey));
}

async function sign(privateKey, bytes) {
  if (isSoftware(privateKey)) return (await noble()).signAsync(bytes, privateKey.seed);
  return new Uint8Array(await subtle().sign(ALGORITHM, privateKey, bytes));
}

async function verify(publicKey, signature, bytes) {
  if (isSoftware(publicKey)) return (await noble()).verifyAsync(signature, bytes, publicKey.raw);
  return subtle().verify(ALGORITHM, publicKey, signature, bytes);
}

/** The login signature of docs/protocol.md, section 3: Ed25519 over `peerlink-auth-v1:<nonce>:<peer>`, Base64. */
export async function signLogin(privateKey, nonce, peer) {
  return toBase64(await sign(privateKey, new TextEncoder().encode(`${AUTH_CONTEXT}:${nonce}:${peer}`)));
}

/** The key file's text, as the console writes it. Needs an extractable private key. */
export async function exportKeyFile(pair) {
  if (!pair.privateKey.extractable) {
    throw new Error("This key was kept non-extractable, so it cannot be exported.");
  }
  const publicKey = await publicKeyBase64(pair);
  const privateKey = isSoftware(pair.privateKey)
    ? toBase64(wrap(PKCS8_PREFIX, pair.privateKey.seed))
    : toBase64(await subtle().exportKey("pkcs8", pair.privateKey));
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
  const pair = await importPair(json, extractable);
  const probe = new TextEncoder().encode("peerlink-key-check");
  if (!(await verify(pair.publicKey, await sign(pair.privateKey, probe), probe))) {
    throw new Error("The key file's public key does not belong to its private key.");
  }
  return pair;
}

async function importPair(json, extractable) {
  let spki;
  let pkcs8;
  try {
    spki = fromBase64(json.publicKey);
    pkcs8 = fromBase64(json.privateKey);
  } catch {
    throw new Error("The key file's keys are not Base64; it should be the console's identity.json.");
  }
  if (await hasWebCryptoEd25519()) {
    try {
      const publicKey = await subtle().importKey("spki", spki, ALGORITHM, true, ["verify"]);
      const privateKey = await subtle().importKey("pkcs8", pkcs8, ALGORITHM, extractable, ["sign"]);
      return { publicKey, privateKey };
    } catch (e) {
      throw new Error("The key file does not hold an Ed25519 key pair (" + (e && e.message ? e.message : e) + ").");
    }
  }
  const publicRaw = unwrap(spki, SPKI_PREFIX);
  const seed = unwrap(pkcs8, PKCS8_PREFIX, { pkcs8: true });
  if (!publicRaw || !seed) {
    throw new Error("The key file does not hold an Ed25519 key pair (its keys are not X.509 and PKCS#8 Ed25519 keys).");
  }
  return softwarePair(Uint8Array.from(seed), Uint8Array.from(publicRaw));
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
