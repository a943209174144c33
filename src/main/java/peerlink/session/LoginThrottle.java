package peerlink.session;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Counts failed logins per peer ID on this node, across its connections: a token bucket per ID, of
 * {@link Limits#perId} failures refilled over {@link Limits#perIdRefill}. Over it, a login that fails for that
 * ID also ends its connection at once (see {@link Session}), so guessing or probing one ID costs a new
 * connection per attempt. A login with the right key is never refused by it: failing logins as someone
 * cannot lock them out.
 *
 * <p>The buckets are Bucket4j's, in a {@link TokenBuckets} table. One instance per node, shared by its
 * sessions; touched only when a login fails, under a lock held for a map lookup. The table holds at most
 * {@link Limits#trackedIds} IDs, the one that failed least recently forgotten first (which only forgives that
 * ID early).
 */
public final class LoginThrottle {

  /**
   * The numbers of {@code peerlink.session.failed-logins} (reference.conf says why each is what it is).
   *
   * @param backoff wait after a connection's first failed login before it may try again; doubles per failure
   * @param perConnection failed (or throttled) logins after which the connection is closed
   * @param perId failed logins for one ID on this node before each further one closes its connection
   * @param perIdRefill time in which an ID's budget fills up again from empty
   * @param trackedIds most IDs whose failures are remembered
   */
  public record Limits(Duration backoff, int perConnection, int perId, Duration perIdRefill, int trackedIds) {
    /**
     * No throttling at all: for tests of other things that fail logins on purpose. (Over a minute, not a
     * nanosecond: a bucket refills at most one token a nanosecond.)
     */
    public static final Limits NONE = new Limits(Duration.ZERO, Integer.MAX_VALUE, Integer.MAX_VALUE, Duration.ofMinutes(1), 1);

    public Limits {
      if (perId < 1 || perIdRefill.toNanos() < perId || trackedIds < 1) {
        throw new IllegalArgumentException(
            "peerlink.session.failed-logins: per-id and tracked-ids must be at least 1 and per-id-refill at least per-id nanoseconds, not "
                + perId + ", " + trackedIds + ", " + perIdRefill);
      }
    }

    public static Limits from(Config config) {
      Config c = config.getConfig("peerlink.session.failed-logins");
      return new Limits(c.getDuration("backoff"), c.getInt("per-connection"), c.getInt("per-id"), c.getDuration("per-id-refill"),
          c.getInt("tracked-ids"));
    }

    /** How long a connection that has failed {@code failures} times waits before its next login. */
    Duration backoffAfter(int failures) {
      return failures <= 0 ? Duration.ZERO : backoff.multipliedBy(1L << Math.min(failures - 1, 10));
    }
  }

  private final Limits limits;
  private final TokenBuckets buckets;

  public LoginThrottle(Limits limits) {
    this(limits, System::nanoTime);
  }

  LoginThrottle(Limits limits, LongSupplier nanos) {
    this.limits = limits;
    this.buckets = new TokenBuckets(limits.perId(), limits.perIdRefill(), limits.trackedIds(), nanos);
  }

  public Limits limits() {
    return limits;
  }

  /** Counts a failed login for {@code peer}; false when the ID had no budget left for it. */
  public boolean failed(String peer) {
    return buckets.take(peer) == 0;
  }
}
