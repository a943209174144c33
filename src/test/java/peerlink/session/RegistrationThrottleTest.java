package peerlink.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import peerlink.protocol.ErrorCode;
import peerlink.protocol.ProtocolException;

/** The per-address budget of registrations, on a clock the test moves: what a client over it is told. */
class RegistrationThrottleTest {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final RegistrationThrottle throttle = new RegistrationThrottle(new RegistrationThrottle.Limits(2, Duration.ofMinutes(10), 2), now::get);

  @Test
  void anAddressRegistersItsBurstAndIsThenToldHowLongToWait() {
    throttle.take("10.0.0.1");
    throttle.take("10.0.0.1");

    assertEquals("Too many registrations from your address (2 per 10 minutes); try again in 300 s.", refused("10.0.0.1"));
    now.addAndGet(Duration.ofSeconds(100).toNanos());
    assertEquals("Too many registrations from your address (2 per 10 minutes); try again in 200 s.", refused("10.0.0.1"),
        "a refused registration takes nothing, and the wait counts down");
  }

  @Test
  void eachAddressHasItsOwnBudget() {
    throttle.take("10.0.0.1");
    throttle.take("10.0.0.1");

    throttle.take("10.0.0.2");
  }

  @Test
  void theBudgetRefillsOverTime() {
    throttle.take("10.0.0.1");
    throttle.take("10.0.0.1");
    now.addAndGet(Duration.ofMinutes(5).toNanos()); // half the refill period: one registration back

    throttle.take("10.0.0.1");
    assertEquals("Too many registrations from your address (2 per 10 minutes); try again in 300 s.", refused("10.0.0.1"));
  }

  @Test
  void aWaitUnderOneSecondIsRoundedUpToOne() {
    throttle.take("10.0.0.1");
    throttle.take("10.0.0.1");
    now.addAndGet(Duration.ofSeconds(299).plusMillis(900).toNanos());

    assertEquals("Too many registrations from your address (2 per 10 minutes); try again in 1 s.", refused("10.0.0.1"));
  }

  @Test
  void theTableForgetsTheAddressSeenLeastRecently() {
    throttle.take("10.0.0.1");
    throttle.take("10.0.0.1");
    throttle.take("10.0.0.2");
    throttle.take("10.0.0.3"); // a third address: 10.0.0.1, seen least recently, is forgotten

    throttle.take("10.0.0.1");
    throttle.take("10.0.0.1");
  }

  @Test
  void limitsABucketCannotHoldAreRefusedAtStartSayingWhichSetting() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new RegistrationThrottle.Limits(20, Duration.ofNanos(10), 100));
    assertTrue(e.getMessage().startsWith("peerlink.session.registrations: "), e.getMessage());
  }

  private String refused(String address) {
    ProtocolException e = assertThrows(ProtocolException.class, () -> throttle.take(address));
    assertEquals(ErrorCode.REGISTRATION_THROTTLED, e.code());
    return e.getMessage();
  }
}
