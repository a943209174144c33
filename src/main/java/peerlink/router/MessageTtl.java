package peerlink.router;

import com.typesafe.config.Config;
import java.time.Duration;
import peerlink.protocol.ErrorCode;
import peerlink.protocol.ProtocolException;

/**
 * How long an undelivered message may wait for its recipients (its time-to-live), from
 * {@code peerlink.limits.max-message-ttl} and {@code default-message-ttl} (reference.conf says why). A
 * send may ask for a time-to-live up to the maximum; one that asks none gets the default, and zero means
 * none: the message waits until it is delivered.
 *
 * @param max the longest time-to-live a send may ask for
 * @param fallback the time-to-live of a send that asks none; zero for none
 */
public record MessageTtl(Duration max, Duration fallback) {
  /** Up to 30 days may be asked for; none by default (messages wait until delivered, as before). */
  public static final MessageTtl DEFAULT = new MessageTtl(Duration.ofDays(30), Duration.ZERO);

  public MessageTtl {
    if (max.toSeconds() < 1) {
      throw new IllegalArgumentException("peerlink.limits.max-message-ttl must be at least 1s, not " + max);
    }
    if (fallback.isNegative() || fallback.compareTo(max) > 0) {
      throw new IllegalArgumentException(
          "peerlink.limits.default-message-ttl must be from 0 (none) to peerlink.limits.max-message-ttl (" + max + "), not " + fallback);
    }
  }

  public static MessageTtl from(Config config) {
    return new MessageTtl(config.getDuration("peerlink.limits.max-message-ttl"), config.getDuration("peerlink.limits.default-message-ttl"));
  }

  /**
   * When a message sent at {@code now} with the time-to-live it asked for ({@code askedSeconds}, null for
   * none) expires, or null when it never does.
   *
   * @throws ProtocolException TTL_OUT_OF_RANGE when it asks for more than the maximum
   */
  Long expiresAt(Integer askedSeconds, long now) {
    if (askedSeconds == null) {
      return fallback.isZero() ? null : now + fallback.toMillis();
    }
    if (askedSeconds > max.toSeconds()) {
      throw new ProtocolException(
          ErrorCode.TTL_OUT_OF_RANGE,
          "A time-to-live of " + askedSeconds + " s is longer than this router allows (" + max.toSeconds() + " s); send it with a shorter one.");
    }
    return now + askedSeconds * 1000L;
  }
}
