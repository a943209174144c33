package peerlink.session;

import com.typesafe.config.Config;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.local.SynchronizationStrategy;
import java.time.Duration;
import java.util.Set;
import java.util.function.LongSupplier;
import peerlink.protocol.ErrorCode;

/**
 * How fast a connection that keeps being refused is read. Each error the node answers a client with costs
 * a token of a Bucket4j bucket of {@link Limits#burst}, refilled over {@link Limits#refill}; while the bucket
 * is empty the session stops reading the connection (its TCP window then slows the client), so a client that
 * keeps sending what is refused (bad frames, sends to a full inbox) costs the node, and the router, at most
 * that pace. A working client gets no errors and never notices; one that fixed its mistake is read at full
 * speed again within {@code refill}. Nothing is refused by this: the input waits.
 *
 * <p>Not counted: errors that say the node, not the client, is at fault ({@code UNAVAILABLE}, {@code
 * STORAGE_FULL}), and the end of a replaced session. The debt a burst of errors can run up is capped at one
 * bucket, so a client is never held longer than about twice {@code refill} at once.
 *
 * <p>One per session, used on its actor's thread only.
 */
final class ErrorPace {

  /**
   * The numbers of {@code peerlink.session.errors} (reference.conf says why).
   *
   * @param burst errors answered before the connection is read more slowly
   * @param refill time in which the budget fills up again from empty
   */
  public record Limits(int burst, Duration refill) {
    /** No pace: for tests of other things, which provoke many errors on purpose. */
    public static final Limits NONE = new Limits(Integer.MAX_VALUE, Duration.ofMinutes(1));

    public Limits {
      if (burst < 1 || refill.toNanos() < burst) {
        throw new IllegalArgumentException(
            "peerlink.session.errors: burst must be at least 1 and refill at least burst nanoseconds, not " + burst + ", " + refill);
      }
    }

    public static Limits from(Config config) {
      Config c = config.getConfig("peerlink.session.errors");
      return new Limits(c.getInt("burst"), c.getDuration("refill"));
    }
  }

  private static final Set<String> NOT_THE_CLIENTS = Set.of(
      ErrorCode.UNAVAILABLE.name(), ErrorCode.STORAGE_FULL.name(), ErrorCode.SESSION_REPLACED.name());

  private final Limits limits;
  private final Bucket bucket;

  ErrorPace(Limits limits) {
    this(limits, System::nanoTime);
  }

  ErrorPace(Limits limits, LongSupplier nanos) {
    this.limits = limits;
    this.bucket = Bucket.builder()
        .addLimit(Bandwidth.builder().capacity(limits.burst()).refillGreedy(limits.burst(), limits.refill()).build())
        .withCustomTimePrecision(new TokenBuckets.NanoClock(nanos))
        .withSynchronizationStrategy(SynchronizationStrategy.NONE)
        .build();
  }

  /**
   * Counts an error with {@code code} answered to the client.
   *
   * @return 0 while the client may be read on; else the nanoseconds until it may be again
   */
  long charge(String code) {
    if (limits == Limits.NONE || NOT_THE_CLIENTS.contains(code)) {
      return 0;
    }
    if (bucket.getAvailableTokens() > -limits.burst()) {
      bucket.consumeIgnoringRateLimits(1);
    }
    return waitNanos();
  }

  /** 0 when the client may be read again; else the nanoseconds until it may. */
  long waitNanos() {
    return bucket.getAvailableTokens() >= 1 ? 0 : Math.max(1, bucket.estimateAbilityToConsume(1).getNanosToWaitForRefill());
  }
}
