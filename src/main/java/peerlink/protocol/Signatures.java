package peerlink.protocol;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * Ed25519 proof of identity (JDK built-in). A client signs {@code AUTH_CONTEXT:nonce:peer}, so a signature
 * is bound to one connection's nonce and one peer ID and cannot be replayed elsewhere.
 */
public final class Signatures {
  private static final String ALGORITHM = "Ed25519";
  private static final SecureRandom RANDOM = new SecureRandom();

  private Signatures() {}

  public static KeyPair newKeyPair() {
    try {
      return KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK lacks Ed25519", e);
    }
  }

  public static String newNonce() {
    byte[] nonce = new byte[32];
    RANDOM.nextBytes(nonce);
    return Base64.getEncoder().encodeToString(nonce);
  }

  public static String sign(PrivateKey key, String nonce, String peer) {
    try {
      Signature signature = Signature.getInstance(ALGORITHM);
      signature.initSign(key);
      signature.update(challenge(nonce, peer));
      return Base64.getEncoder().encodeToString(signature.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign with Ed25519", e);
    }
  }

  /** True when {@code signatureB64} is a valid signature of the challenge by {@code publicKeyB64}. */
  public static boolean verify(String publicKeyB64, String nonce, String peer, String signatureB64) {
    try {
      Signature signature = Signature.getInstance(ALGORITHM);
      signature.initVerify(decodePublicKey(publicKeyB64));
      signature.update(challenge(nonce, peer));
      return signature.verify(Base64.getDecoder().decode(signatureB64));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return false;
    }
  }

  /** Checks that the text is a Base64 X.509 Ed25519 public key, or throws BAD_FRAME. */
  public static void requirePublicKey(String publicKeyB64) {
    try {
      decodePublicKey(publicKeyB64);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new ProtocolException(ErrorCode.BAD_FRAME, "Field 'publicKey' is not a Base64 X.509 Ed25519 public key.");
    }
  }

  public static String encode(PublicKey key) {
    return Base64.getEncoder().encodeToString(key.getEncoded());
  }

  public static String encode(PrivateKey key) {
    return Base64.getEncoder().encodeToString(key.getEncoded());
  }

  public static KeyPair decodeKeyPair(String publicKeyB64, String privateKeyB64) throws GeneralSecurityException {
    KeyFactory factory = KeyFactory.getInstance(ALGORITHM);
    PrivateKey privateKey =
        factory.generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(privateKeyB64)));
    return new KeyPair(decodePublicKey(publicKeyB64), privateKey);
  }

  private static PublicKey decodePublicKey(String publicKeyB64) throws GeneralSecurityException {
    return KeyFactory.getInstance(ALGORITHM)
        .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(publicKeyB64)));
  }

  private static byte[] challenge(String nonce, String peer) {
    return (Protocol.AUTH_CONTEXT + ":" + nonce + ":" + peer).getBytes(StandardCharsets.UTF_8);
  }
}
