package peerlink.session;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.function.LongSupplier;
import peerlink.protocol.ErrorCode;
import peerlink.protocol.ProtocolException;

/**
 * Bounds registrations per source address on this node (issue 22: 10,000 fresh IDs in 49 s, all accepted,
 * and never deleted): a token bucket per address of {@link Limits#perAddress} registrations, refilled over
 * {@link Limits#refill}. A registration over it is refused with REGISTRATION_THROTTLED and the time to wait.
 * Logins are not counted: a registered peer always gets in.
 *
 * <p>The buckets are Bucket4j's, in a {@link TokenBuckets} table. One instance per node, shared by its sessions,
 * touched once per registration under a lock held for a map lookup. The table holds at most
 * {@link Limits#trackedAddresses} addresses, the least recently seen forgotten first (which only forgives
 * that address early).
 */
public final class RegistrationThrottle {

  /**
   * The numbers of {@code peerlink.session.registrations} (reference.conf says why each is what it is).
   *
   * @param perAddress registrations from one address in a burst
   * @param refill time in which an address's budget fills up again from empty
   * @param trackedAddresses most addresses whose registrations are remembered
   */
  public record Limits(int perAddress, Duration refill, int trackedAddresses) {
    /**
     * No limit: for tests of other things, which register many peers from one address. (Over a minute, not a
     * nanosecond: a bucket refills at most one token a nanosecond.)
     */
    public static final Limits NONE = new Limits(Integer.MAX_VALUE, Duration.ofMinutes(1), 1);

    public Limits {
      if (perAddress < 1 || refill.toNanos() < perAddress || trackedAddresses < 1) {
        throw new IllegalArgumentException(
            "peerlink.session.registrations: per-address and tracked-addresses must be at least 1 and refill at least per-address nanoseconds, not "
                + perAddress + ", " + trackedAddresses + ", " + refill);
      }
    }

    public static Limits from(Config config) {
      Config c = config.getConfig("peerlink.session.registrations");
      return new Limits(c.getInt("per-address"), c.getDuration("refill"), c.getInt("tracked-addresses"));
    }
  }

  private final Limits limits;
  private final TokenBuckets buckets;

  public RegistrationThrottle(Limits limits) {
    this(limits, System::nanoTime);
  }

  RegistrationThrottle(Limits limits, LongSupplier nanos) {
    this.limits = limits;
    this.buckets = new TokenBuckets(limits.perAddress(), limits.refill(), limits.trackedAddresses(), nanos);
  }

  /**
   * Takes one registration from {@code address}'s budget.
   *
   * @throws ProtocolException REGISTRATION_THROTTLED, saying when to try again, when it has none left
   */
  public void take(String address) {
    long waitNanos = buckets.take(address);
    if (waitNanos == 0) {
      return;
    }
    long waitSeconds = Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L);
    throw new ProtocolException(
        ErrorCode.REGISTRATION_THROTTLED,
        "Too many registrations from your address (" + limits.perAddress() + " per " + describe(limits.refill()) + "); try again in " + waitSeconds
            + " s.");
  }

  private static String describe(Duration d) {
    if (d.toSeconds() % 3600 == 0 && d.toSeconds() > 0) return d.toHours() + (d.toHours() == 1 ? " hour" : " hours");
    if (d.toSeconds() % 60 == 0 && d.toSeconds() > 0) return d.toMinutes() + (d.toMinutes() == 1 ? " minute" : " minutes");
    return d.toMillis() + " ms";
  }
}
