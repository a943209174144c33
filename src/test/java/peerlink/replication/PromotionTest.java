package peerlink.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import peerlink.storage.StorePosition;

/**
 * A node's way to becoming the primary, without actors: when a new (empty) store with no rm up may start a
 * deployment alone, and what the recoveries waiting for the promotion are told.
 */
class PromotionTest {
  private static final long SECOND = 1_000_000_000L;
  private static final Duration THIRTY_SECONDS = Duration.ofSeconds(30);

  private final Promotion promotion = new Promotion(THIRTY_SECONDS, List.of("127.0.0.1:2552"), 0);

  @Test
  void aFreshStoreWaitsWhileOtherRouterNodesAreMembers() {
    String why = promotion.whyFreshStoreWaits(true, 3600 * SECOND);

    assertTrue(why.contains("other router nodes are members"), why);
  }

  @Test
  void aFreshStoreWaitsWhileNodesOfTheDeploymentAnswerAtTheSeeds() {
    promotion.probed(List.of("127.0.0.1:2552"));

    String why = promotion.whyFreshStoreWaits(false, 3600 * SECOND);

    assertTrue(why.contains("nodes of the deployment run at [127.0.0.1:2552]"), why);
  }

  @Test
  void aFreshStoreAloneStartsADeploymentAfterTheWait() {
    assertTrue(promotion.whyFreshStoreWaits(false, 29 * SECOND).contains("waiting up to 30 s"));
    assertNull(promotion.whyFreshStoreWaits(false, 30 * SECOND));
  }

  @Test
  void withNoWaitConfiguredAFreshStoreStartsAloneEvenWhenSeedsAnswer() {
    Promotion noWait = new Promotion(Duration.ZERO, List.of("127.0.0.1:2552"), 0);
    noWait.probed(List.of("127.0.0.1:2552"));

    assertNull(noWait.whyFreshStoreWaits(false, 0));
  }

  @Test
  void onlyTheFirstRecoveryWaitingStartsARequest() {
    assertTrue(promotion.await(new CompletableFuture<>()));
    promotion.requesting();
    assertFalse(promotion.await(new CompletableFuture<>()), "one request at a time");
    promotion.ended();
    assertTrue(promotion.await(new CompletableFuture<>()));
  }

  @Test
  void aRefusalFailsEveryWaitingRecoveryAndIsNewsOnlyOnce() {
    CompletableFuture<Void> first = new CompletableFuture<>();
    CompletableFuture<Void> second = new CompletableFuture<>();
    promotion.await(first);
    promotion.await(second);

    assertTrue(promotion.refuse("the rm says no"));
    promotion.failWaiting("the rm says no");
    assertFalse(promotion.refuse("the rm says no"), "the same reason again is not logged again");

    assertFailsWith("not the primary: the rm says no", first::get);
    assertFailsWith("not the primary: the rm says no", second::get);
  }

  @Test
  void theCopyANodeCaughtUpWithIsNamedUntilItIsPromoted() {
    promotion.copied("store-a", new StorePosition(3, 500));
    assertEquals("store-a", promotion.copiedFrom());
    assertEquals(new StorePosition(3, 500), promotion.copiedAt());

    promotion.promoted();

    assertNull(promotion.copiedFrom());
    assertNull(promotion.copiedAt());
  }

  @Test
  void aRefusedCopyIsNotAskedForAgainWithinTheWait() {
    promotion.copyRefused(100 * SECOND);

    assertTrue(promotion.copyRefusedWithin(129 * SECOND, 30 * SECOND));
    assertFalse(promotion.copyRefusedWithin(130 * SECOND, 30 * SECOND));
    promotion.copied("store-a", new StorePosition(3, 500));
    assertFalse(promotion.copyRefusedWithin(101 * SECOND, 30 * SECOND), "a copy installed since clears it");
  }

  @Test
  void theSeedsAreProbedOneProbeAtATimeAndOnlyWhileTheStoreIsNew() {
    assertFalse(promotion.startProbe(() -> false), "a store with a history");
    assertTrue(promotion.startProbe(() -> true));
    assertFalse(promotion.startProbe(() -> true), "one probe is under way");
    assertFalse(promotion.probed(List.of()), "nothing found is not news");
    assertTrue(promotion.startProbe(() -> true));
    assertTrue(promotion.probed(List.of("127.0.0.1:2552")));
    assertFalse(promotion.probed(List.of("127.0.0.1:2552")), "found once");
  }

  private static void assertFailsWith(String message, Executable get) {
    ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, get);
    assertEquals(message, e.getCause().getMessage());
  }
}
