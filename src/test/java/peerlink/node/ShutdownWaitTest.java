package peerlink.node;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A node whose shutdown hangs must still end its process: the wait for its actor system has a bound once it began. */
class ShutdownWaitTest {
  private static final String QUICK_PHASES =
      "pekko.coordinated-shutdown.phases.actor-system-terminate.timeout = 1s\npekko.coordinated-shutdown.exit-jvm = off\n";

  @Test
  @Timeout(60) // a wait without a bound would hang here for ever
  void aShutdownThatCannotFinishIsGivenUpAfterTheGrace() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    // An actor that does not stop: its PostStop blocks its thread until the test releases it.
    ActorSystem<Void> system = ActorSystem.create(Behaviors.<Void>receive(Void.class)
        .onSignal(PostStop.class, stop -> {
          release.await();
          return Behaviors.same();
        })
        .build(), "stuck", ConfigFactory.parseString(QUICK_PHASES).withFallback(ConfigFactory.load()));
    try {
      system.terminate();
      long start = System.nanoTime();

      boolean terminated = ShutdownWait.awaitTermination(system, Duration.ofSeconds(2));

      assertFalse(terminated, "the system cannot terminate while its actor blocks");
      long waited = (System.nanoTime() - start) / 1_000_000;
      assertTrue(waited < 20_000, "gave up after the grace, not never: " + waited + " ms");
    } finally {
      release.countDown();
    }
  }

  @Test
  void aShutdownThatFinishesIsWaitedFor() throws Exception {
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "quick", ConfigFactory.parseString(QUICK_PHASES).withFallback(ConfigFactory.load()));
    system.terminate();

    assertTrue(ShutdownWait.awaitTermination(system, Duration.ofSeconds(30)));
  }
}
