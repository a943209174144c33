package peerlink.protocol;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Invitation tokens, which a router whose registration policy is {@code invite} requires of a new peer:
 * {@code v1.<id>.<expires>.<mac>}, where {@code id} is 16 random bytes, {@code expires} the epoch second
 * after which it is void, and {@code mac} an HMAC-SHA256 of the rest with the deployment's invitation secret
 * ({@code peerlink.registration.invite-secret}). Any router node holding the secret checks a token offline;
 * the registry remembers the ids used, so each registers one peer. No I/O: the secret and time are given.
 */
public final class Invitations {
  private static final String VERSION = "v1";
  private static final SecureRandom RANDOM = new SecureRandom();

  /** A token whose MAC is good: its {@code id} and when it expires (epoch milliseconds). Expiry and use are the registry's to judge. */
  public record Invitation(String id, long expiresAt) {}

  private Invitations() {}

  /** A new token, valid until {@code expires}. */
  public static String issue(byte[] secret, Instant expires) {
    byte[] id = new byte[16];
    RANDOM.nextBytes(id);
    String body = VERSION + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(id) + "." + expires.getEpochSecond();
    return body + "." + mac(secret, body);
  }

  /**
   * The invitation {@code token} carries, when the deployment's {@code secret} made it.
   *
   * @throws ProtocolException INVITATION_INVALID when it is damaged or another deployment's
   */
  public static Invitation verify(byte[] secret, String token) {
    String[] parts = token.split("\\.");
    if (parts.length != 4 || !parts[0].equals(VERSION) || !parts[2].matches("[0-9]{1,12}")) {
      throw invalid();
    }
    String body = parts[0] + "." + parts[1] + "." + parts[2];
    byte[] expected = mac(secret, body).getBytes(StandardCharsets.US_ASCII);
    if (!MessageDigest.isEqual(expected, parts[3].getBytes(StandardCharsets.US_ASCII))) {
      throw invalid();
    }
    return new Invitation(parts[1], Long.parseLong(parts[2]) * 1000);
  }

  private static ProtocolException invalid() {
    return new ProtocolException(
        ErrorCode.INVITATION_INVALID, "The invitation was not made for this deployment, or it was damaged in copying; ask its operator for a new one.");
  }

  private static String mac(byte[] secret, String body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(body.getBytes(StandardCharsets.US_ASCII)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }
}
