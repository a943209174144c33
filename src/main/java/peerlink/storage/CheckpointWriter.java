package peerlink.storage;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes checkpoints on a thread of its own, one at a time, so that the persistent actor taking one goes
 * on persisting while it is serialized and written.
 *
 * <p>Why: Pekko's typed persistence stashes every command of an actor until its snapshot store has
 * answered a save. The registry's checkpoint is the whole router state, megabytes once peers have
 * history, and waiting for it held every acknowledgement up for hundreds of milliseconds.
 *
 * <p>A checkpoint that is due while an earlier one of the same persistence id is still being written
 * waits; a newer one replaces it while it waits. So under a load that makes checkpoints due faster than
 * they can be written, they are written one after the other, each of the newest state, and the actor is
 * never held up; at most one state per id waits here.
 *
 * <p>The writer is busy at most {@code maxShare} of the time ({@link CheckpointSettings}): after a
 * checkpoint that took {@code d}, the next one starts no earlier than {@code d * (1 - maxShare) / maxShare}
 * later, and never more than {@code maxPause} later. Why: a checkpoint of a large state is many
 * replicated writes, and written back to back they left the journal's writes queueing behind a part all
 * the time (a storm of reconnections took seconds longer). The pause lets checkpoints that come due
 * meanwhile replace one another, so the events between two checkpoints grow with the time a checkpoint
 * takes, that is with the state, and so does the replay after a failover; {@code maxPause} bounds that
 * replay when a checkpoint is slow because the store is busy.
 *
 * <p>What keeps this safe: Pekko deletes the events (and older snapshots) a checkpoint covers as soon as
 * the save was answered. Every deletion runs after {@link #written}, which completes when the newest
 * checkpoint started for that id (or the one that replaced it) is on disk, and fails if it failed. That
 * checkpoint is at least as new as the one the deletion was computed from, so no event is deleted before
 * a durable checkpoint covers it. A checkpoint that is lost (a crash, a failed write) leaves the events,
 * and recovery replays them over the previous checkpoint.
 */
public final class CheckpointWriter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CheckpointWriter.class);

  private final ScheduledExecutorService thread;
  private final double maxShare;
  private final long maxPauseNanos;
  /** Per persistence id: the checkpoint waiting to be written; guarded by {@code this}. */
  private final Map<String, Waiting> waiting = new LinkedHashMap<>();
  /** Per persistence id: done when its newest started checkpoint is written; guarded by {@code this}. */
  private final Map<String, CompletableFuture<Void>> newest = new HashMap<>();
  /** True from the moment a write is scheduled until the writer finds nothing waiting; guarded by {@code this}. */
  private boolean writing;
  /** {@link System#nanoTime} before which the next checkpoint does not start; guarded by {@code this}. */
  private long notBefore = System.nanoTime();

  private record Waiting(String what, Runnable write, CompletableFuture<Void> done) {}

  /** @param name of the writer's thread */
  public CheckpointWriter(String name, CheckpointSettings settings) {
    this.maxShare = settings.maxShare();
    this.maxPauseNanos = settings.maxPause().toNanos();
    this.thread = Executors.newSingleThreadScheduledExecutor(run -> {
      Thread writer = new Thread(run, name);
      writer.setDaemon(true);
      return writer;
    });
  }

  /**
   * Starts writing a checkpoint of {@code persistenceId} and returns at once: now if the writer is idle
   * and not pausing, else after the checkpoint being written (and the pause after it), replacing one of
   * the same id still waiting.
   *
   * @param what names the checkpoint in the log
   */
  public synchronized void start(String persistenceId, String what, Runnable write) {
    Waiting replaced = waiting.get(persistenceId);
    CompletableFuture<Void> done = replaced == null ? new CompletableFuture<>() : replaced.done();
    if (replaced != null) {
      LOG.debug("Checkpoint {} replaces {}, which was still waiting to be written", what, replaced.what());
    }
    waiting.put(persistenceId, new Waiting(what, write, done));
    newest.put(persistenceId, done);
    if (!writing) {
      writing = true;
      scheduleNext();
    }
  }

  /** Writes the first waiting checkpoint, then schedules the next one after the pause it earned. */
  private void writeNext() {
    Waiting next;
    synchronized (this) {
      if (waiting.isEmpty() || Thread.currentThread().isInterrupted()) {
        writing = false;
        failWaiting("the store is closing");
        return;
      }
      next = waiting.remove(waiting.keySet().iterator().next());
    }
    long started = System.nanoTime();
    try {
      next.write().run();
      next.done().complete(null);
    } catch (Throwable e) { // whatever it was, the thread must go on to the next checkpoint
      LOG.warn("Checkpoint {} not saved ({}); the events it covers are kept", next.what(), e.toString());
      next.done().completeExceptionally(e);
    }
    long finished = System.nanoTime();
    long pause = Math.min(maxPauseNanos, (long) ((finished - started) * (1 - maxShare) / maxShare));
    LOG.debug("Checkpoint {} took {} ms; the next starts no earlier than {} ms from now",
        next.what(), TimeUnit.NANOSECONDS.toMillis(finished - started), TimeUnit.NANOSECONDS.toMillis(pause));
    synchronized (this) {
      notBefore = finished + pause;
      if (waiting.isEmpty()) {
        writing = false;
      } else {
        scheduleNext();
      }
    }
  }

  private synchronized void scheduleNext() {
    try {
      thread.schedule(this::writeNext, Math.max(0, notBefore - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      writing = false;
      failWaiting("the checkpoint writer is closed");
    }
  }

  private synchronized void failWaiting(String why) {
    waiting.values().forEach(w -> w.done().completeExceptionally(new IllegalStateException(why)));
    waiting.clear();
  }

  /**
   * Completes when the newest checkpoint started for the id is on disk, and fails with an
   * {@link IllegalStateException} if it was not saved. Deletions of what a checkpoint covers run after
   * it; nothing blocks a thread meanwhile (several deletions may wait at once under a long burst).
   */
  public CompletableFuture<Void> written(String persistenceId) {
    return newestOf(persistenceId).handle((saved, failure) -> {
      if (failure == null) {
        return null;
      }
      Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
      throw new IllegalStateException("the latest checkpoint was not saved (" + cause.getMessage() + "); keeping what it covers", cause);
    });
  }

  /** Completes when the newest checkpoint started for the id has finished, saved or not; for reads of the store. */
  public CompletableFuture<Void> finished(String persistenceId) {
    return newestOf(persistenceId).handle((saved, failure) -> null);
  }

  private synchronized CompletableFuture<Void> newestOf(String persistenceId) {
    return newest.getOrDefault(persistenceId, CompletableFuture.completedFuture(null));
  }

  /**
   * Stops the thread. A checkpoint still being written is interrupted where it waits and not saved, and
   * one still waiting is dropped; that loses nothing, as the events they cover were not deleted.
   */
  @Override
  public void close() {
    thread.shutdownNow();
    try {
      if (!thread.awaitTermination(10, TimeUnit.SECONDS)) {
        LOG.warn("A checkpoint was still being written after 10 s; closing the store without it");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    failWaiting("the store is closing");
  }
}
