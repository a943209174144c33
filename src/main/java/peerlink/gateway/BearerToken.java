package peerlink.gateway;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Checks an {@code Authorization: Bearer <token>} header against the operations token. Compared in
 * constant time, so that the time of a refusal does not tell a caller how much of a guess was right.
 */
final class BearerToken {
  private static final String SCHEME = "Bearer ";
  private final byte[] expected;

  /** {@code token} empty: no token is asked for (only allowed on a loopback address, see {@link OpsSettings}). */
  BearerToken(String token) {
    this.expected = token.getBytes(StandardCharsets.UTF_8);
  }

  boolean required() {
    return expected.length > 0;
  }

  /** True when no token is required, or {@code authorization} (the header, or null) carries the token. */
  boolean admits(String authorization) {
    if (!required()) {
      return true;
    }
    if (authorization == null || !authorization.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
      return false;
    }
    byte[] given = authorization.substring(SCHEME.length()).getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(expected, given);
  }
}
