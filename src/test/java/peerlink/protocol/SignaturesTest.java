package peerlink.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.Signature;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** The fast Ed25519 path must agree with the JDK's, byte for byte, and refuse everything else. */
class SignaturesTest {
  private final KeyPair alice = Signatures.newKeyPair();
  private final String alicePublic = Signatures.encode(alice.getPublic());
  private final String nonce = Signatures.newNonce();

  @Test
  void aSignatureIsTheSameAsTheJdksAndTheJdkAcceptsIt() throws Exception {
    byte[] challenge = (Protocol.AUTH_CONTEXT + ":" + nonce + ":alice").getBytes(StandardCharsets.UTF_8);
    Signature jdk = Signature.getInstance("Ed25519");
    jdk.initSign(alice.getPrivate());
    jdk.update(challenge);

    String ours = Signatures.sign(alice.getPrivate(), nonce, "alice");

    assertEquals(Base64.getEncoder().encodeToString(jdk.sign()), ours, "Ed25519 is deterministic");
    Signature check = Signature.getInstance("Ed25519");
    check.initVerify(alice.getPublic());
    check.update(challenge);
    assertTrue(check.verify(Base64.getDecoder().decode(ours)));
  }

  @Test
  void onlyTheRightKeyNonceAndPeerVerify() {
    String signature = Signatures.sign(alice.getPrivate(), nonce, "alice");
    String mallory = Signatures.encode(Signatures.newKeyPair().getPublic());

    assertTrue(Signatures.verify(alicePublic, nonce, "alice", signature));
    assertFalse(Signatures.verify(mallory, nonce, "alice", signature), "another key");
    assertFalse(Signatures.verify(alicePublic, Signatures.newNonce(), "alice", signature), "another connection");
    assertFalse(Signatures.verify(alicePublic, nonce, "bob", signature), "another peer");
  }

  @Test
  void damagedOrMalformedInputIsRefusedNotThrown() {
    byte[] signature = Base64.getDecoder().decode(Signatures.sign(alice.getPrivate(), nonce, "alice"));
    signature[10] ^= 1;
    String flipped = Base64.getEncoder().encodeToString(signature);
    String good = Signatures.sign(alice.getPrivate(), nonce, "alice");

    assertFalse(Signatures.verify(alicePublic, nonce, "alice", flipped), "one bit flipped");
    assertFalse(Signatures.verify(alicePublic, nonce, "alice", good.substring(0, 40)), "truncated");
    assertFalse(Signatures.verify(alicePublic, nonce, "alice", "not base64!"), "not Base64");
    assertFalse(Signatures.verify("bm90IGEga2V5", nonce, "alice", good), "not a key");
    assertFalse(Signatures.verify(alicePublic.substring(0, 20), nonce, "alice", good), "a cut key");
    ProtocolException e = assertThrows(ProtocolException.class, () -> Signatures.requirePublicKey("bm90IGEga2V5"));
    assertEquals(ErrorCode.BAD_FRAME, e.code());
  }
}
