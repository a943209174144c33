package peerlink.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The checkpoint writer's promises: starting a checkpoint does not wait for it, deletions wait for it
 * and refuse to go on when it failed, and checkpoints are written one at a time, a newer one of the
 * same id replacing one still waiting.
 */
class CheckpointWriterTest {
  private static final long WAIT_S = 10;
  /** How long a call is given to show that it is (correctly) still waiting. */
  private static final long STILL_WAITING_MS = 300;

  private final CheckpointWriter writer = new CheckpointWriter("test-checkpoint-writer", new CheckpointSettings(1, Duration.ZERO));
  private final CountDownLatch release = new CountDownLatch(1);

  @AfterEach
  void close() {
    release.countDown();
    writer.close();
  }

  @Test
  void startReturnsWhileTheCheckpointIsStillBeingWrittenAndDeletionsWaitForIt() throws Exception {
    CompletableFuture<Void> written = new CompletableFuture<>();
    writer.start("p", "p at 10", () -> {
      await(release);
      written.complete(null);
    });

    CompletableFuture<Void> deletion = writer.written("p");
    assertThrows(TimeoutException.class, () -> deletion.get(STILL_WAITING_MS, TimeUnit.MILLISECONDS));
    assertFalse(written.isDone());

    release.countDown();
    deletion.get(WAIT_S, TimeUnit.SECONDS);
    assertTrue(written.isDone(), "the deletion went on only after the checkpoint was written");
  }

  @Test
  void deletionsAreRefusedWhileTheLatestCheckpointFailedAndAllowedAgainAfterOneIsSaved() throws Exception {
    writer.start("p", "p at 10", () -> {
      throw new IllegalStateException("timed out replicating a write after 10 s");
    });

    IllegalStateException refused = refusal(writer.written("p"));
    assertEquals(
        "the latest checkpoint was not saved (timed out replicating a write after 10 s); keeping what it covers",
        refused.getMessage());
    writer.finished("p").get(WAIT_S, TimeUnit.SECONDS); // reads go on whatever happened

    writer.start("p", "p at 20", () -> {});
    writer.written("p").get(WAIT_S, TimeUnit.SECONDS);
  }

  @Test
  void aCheckpointDueWhileOneIsBeingWrittenWaitsAndANewerOneOfTheSameIdReplacesIt() throws Exception {
    List<String> written = new CopyOnWriteArrayList<>();
    CountDownLatch writing = new CountDownLatch(1);
    writer.start("p", "p at 10", () -> {
      writing.countDown();
      await(release);
      written.add("p10");
    });
    await(writing); // until it is being written, a newer one would replace it as well
    writer.start("p", "p at 20", () -> written.add("p20"));
    writer.start("q", "q at 5", () -> written.add("q5"));
    writer.start("p", "p at 30", () -> written.add("p30")); // replaces p at 20

    CompletableFuture<Void> deletionAfter20 = writer.written("p");
    assertThrows(TimeoutException.class, () -> deletionAfter20.get(STILL_WAITING_MS, TimeUnit.MILLISECONDS));

    release.countDown();
    deletionAfter20.get(WAIT_S, TimeUnit.SECONDS);
    assertTrue(written.contains("p30"), "a deletion waits for the checkpoint that replaced the one it follows");
    writer.written("q").get(WAIT_S, TimeUnit.SECONDS);
    assertEquals(List.of("p10", "p30", "q5"), written.stream().sorted().toList());
    assertEquals("p10", written.get(0));
  }

  @Test
  void withAShareOfAQuarterTheNextCheckpointWaitsThreeTimesAsLongAsTheLastTookAndOnlyTheNewestIsWritten() throws Exception {
    try (CheckpointWriter quarter = new CheckpointWriter("test-checkpoint-writer-quarter", new CheckpointSettings(0.25, Duration.ofMinutes(1)))) {
      long[] firstTook = new long[2];
      quarter.start("p", "p at 10", () -> {
        firstTook[0] = System.nanoTime();
        sleep(200);
        firstTook[1] = System.nanoTime();
      });
      quarter.written("p").get(WAIT_S, TimeUnit.SECONDS);

      List<String> written = new CopyOnWriteArrayList<>();
      long[] secondStarted = new long[1];
      quarter.start("p", "p at 20", () -> written.add("p20"));
      quarter.start("p", "p at 30", () -> {
        secondStarted[0] = System.nanoTime();
        written.add("p30");
      });
      quarter.written("p").get(WAIT_S, TimeUnit.SECONDS);

      long pauseMs = TimeUnit.NANOSECONDS.toMillis(secondStarted[0] - firstTook[1]);
      long tookMs = TimeUnit.NANOSECONDS.toMillis(firstTook[1] - firstTook[0]);
      assertTrue(pauseMs >= 3 * tookMs - 1, "paused " + pauseMs + " ms after a checkpoint that took " + tookMs + " ms");
      assertEquals(List.of("p30"), written, "the checkpoints due during the pause replaced one another");
    }
  }

  @Test
  void thePauseIsNeverLongerThanTheLongestAllowed() throws Exception {
    try (CheckpointWriter capped = new CheckpointWriter("test-checkpoint-writer-capped", new CheckpointSettings(0.01, Duration.ofMillis(100)))) {
      long[] firstFinished = new long[1];
      capped.start("p", "p at 10", () -> {
        sleep(100); // 99 times this would be a pause of 9.9 s
        firstFinished[0] = System.nanoTime();
      });
      capped.written("p").get(WAIT_S, TimeUnit.SECONDS);

      long[] secondStarted = new long[1];
      capped.start("p", "p at 20", () -> secondStarted[0] = System.nanoTime());
      capped.written("p").get(WAIT_S, TimeUnit.SECONDS);

      long pauseMs = TimeUnit.NANOSECONDS.toMillis(secondStarted[0] - firstFinished[0]);
      assertTrue(pauseMs >= 99 && pauseMs < 5_000, "paused " + pauseMs + " ms, with at most 100 ms allowed");
    }
  }

  @Test
  void closingInterruptsACheckpointStillBeingWrittenWhichThenCountsAsNotSaved() throws Exception {
    writer.start("p", "p at 10", () -> await(release));

    writer.close();

    refusal(writer.written("p"));
  }

  /** The reason a deletion waiting on {@code written} is refused. */
  private static IllegalStateException refusal(CompletableFuture<Void> written) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> written.get(WAIT_S, TimeUnit.SECONDS));
    return assertInstanceOf(IllegalStateException.class, e.getCause());
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while writing a checkpoint", e);
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(WAIT_S, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the test never released the checkpoint");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while writing a checkpoint", e);
    }
  }
}
