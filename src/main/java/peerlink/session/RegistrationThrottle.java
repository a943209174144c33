package peerlink.session;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import peerlink.protocol.ErrorCode;
import peerlink.protocol.ProtocolException;

/**
 * Bounds registrations per source address on this node (issue 22: 10,000 fresh IDs in 49 s, all accepted,
 * and never deleted): a token bucket per address of {@link Limits#perAddress} registrations, refilled over
 * {@link Limits#refill}. A registration over it is refused with REGISTRATION_THROTTLED and the time to wait.
 * Logins are not counted: a registered peer always gets in.
 *
 * <p>A small token bucket of our own rather than Bucket4j: it is the one bucket shape we need, the same as
 * {@link LoginThrottle}'s, in 40 lines without a new dependency. One instance per node, shared by its sessions,
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
    /** No limit: for tests of other things, which register many peers from one address. */
    public static final Limits NONE = new Limits(Integer.MAX_VALUE, Duration.ofNanos(1), 1);

    public Limits {
      if (perAddress < 1 || refill.isZero() || refill.isNegative() || trackedAddresses < 1) {
        throw new IllegalArgumentException(
            "peerlink.session.registrations: per-address and tracked-addresses must be at least 1 and refill longer than 0, not " + perAddress + ", "
                + trackedAddresses + ", " + refill);
      }
    }

    public static Limits from(Config config) {
      Config c = config.getConfig("peerlink.session.registrations");
      return new Limits(c.getInt("per-address"), c.getDuration("refill"), c.getInt("tracked-addresses"));
    }
  }

  private final Limits limits;
  private final LongSupplier nanos;
  private final Map<String, double[]> buckets; // address -> {tokens, at}

  public RegistrationThrottle(Limits limits) {
    this(limits, System::nanoTime);
  }

  RegistrationThrottle(Limits limits, LongSupplier nanos) {
    this.limits = limits;
    this.nanos = nanos;
    this.buckets = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, double[]> eldest) {
        return size() > limits.trackedAddresses();
      }
    };
  }

  /**
   * Takes one registration from {@code address}'s budget.
   *
   * @throws ProtocolException REGISTRATION_THROTTLED, saying when to try again, when it has none left
   */
  public synchronized void take(String address) {
    long now = nanos.getAsLong();
    double perNano = limits.perAddress() / (double) limits.refill().toNanos();
    double[] bucket = buckets.computeIfAbsent(address, a -> new double[] {limits.perAddress(), now});
    bucket[0] = Math.min(limits.perAddress(), bucket[0] + (now - (long) bucket[1]) * perNano);
    bucket[1] = now;
    if (bucket[0] >= 1) {
      bucket[0] -= 1;
      return;
    }
    long waitSeconds = Math.max(1, (long) Math.ceil((1 - bucket[0]) / perNano / 1e9));
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
