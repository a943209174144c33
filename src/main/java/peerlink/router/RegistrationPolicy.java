package peerlink.router;

import com.typesafe.config.Config;
import java.util.Base64;
import java.util.Locale;

/**
 * Who may register a new peer ID on this deployment ({@code peerlink.registration}): anyone ({@code open},
 * the default, as in the demo), only a holder of an operator's invitation token ({@code invite}; tokens from
 * {@code bin/peerlink invite}, see {@link peerlink.protocol.Invitations}), or nobody ({@code closed}).
 * Registered peers always log in. Sessions check a token's MAC; the registry decides the rest (policy,
 * expiry with the primary's clock, single use), and its event says what it decided.
 *
 * @param mode open, invite or closed
 * @param secret the deployment's invitation secret (at least 32 bytes); null unless the mode is invite
 */
public record RegistrationPolicy(Mode mode, byte[] secret) {
  public enum Mode { OPEN, INVITE, CLOSED }

  public static final RegistrationPolicy OPEN = new RegistrationPolicy(Mode.OPEN, null);

  public RegistrationPolicy {
    if (mode == Mode.INVITE && (secret == null || secret.length < 32)) {
      throw new IllegalArgumentException(
          "peerlink.registration.policy = invite needs peerlink.registration.invite-secret: at least 32 random bytes in base64 "
              + "(e.g. from 'openssl rand -base64 32'), the same on every router node and where bin/peerlink invite runs");
    }
  }

  public static RegistrationPolicy from(Config config) {
    String name = config.getString("peerlink.registration.policy");
    Mode mode;
    try {
      mode = Mode.valueOf(name.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("peerlink.registration.policy must be open, invite or closed, not '" + name + "'");
    }
    return new RegistrationPolicy(mode, mode == Mode.INVITE ? secret(config) : null);
  }

  /** The deployment's invitation secret, for verifying and issuing tokens. */
  public static byte[] secret(Config config) {
    String text = config.getString("peerlink.registration.invite-secret").strip();
    String required = "peerlink.registration.invite-secret must be at least 32 random bytes in base64 (e.g. from 'openssl rand -base64 32')";
    byte[] secret;
    try {
      secret = Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(required + ": it is not base64 (" + e.getMessage() + ")");
    }
    if (secret.length < 32) {
      // Outside the try: a short secret is well-formed base64, and the operator needs one sentence, not the rule twice.
      throw new IllegalArgumentException(required + (secret.length == 0 ? "; it is not set" : ", not " + secret.length + " bytes"));
    }
    return secret;
  }
}
