package peerlink.storage;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
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
 * they can be written, they are written back to back, each of the newest state, and the actor is never
 * held up; at most one state per id waits here.
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

  private final ExecutorService thread;
  /** Per persistence id: the checkpoint waiting to be written; guarded by {@code this}. */
  private final Map<String, Waiting> waiting = new LinkedHashMap<>();
  /** Per persistence id: done when its newest started checkpoint is written; guarded by {@code this}. */
  private final Map<String, CompletableFuture<Void>> newest = new HashMap<>();
  private boolean writing;

  private record Waiting(String what, Runnable write, CompletableFuture<Void> done) {}

  public CheckpointWriter(String name) {
    this.thread = Executors.newSingleThreadExecutor(run -> {
      Thread writer = new Thread(run, name);
      writer.setDaemon(true);
      return writer;
    });
  }

  /**
   * Starts writing a checkpoint of {@code persistenceId} and returns at once: now if nothing is being
   * written, else after the checkpoint being written, replacing one of the same id still waiting.
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
      try {
        thread.execute(this::writeWaiting);
      } catch (RejectedExecutionException e) {
        writing = false;
        waiting.remove(persistenceId);
        done.completeExceptionally(new IllegalStateException("the checkpoint writer is closed"));
      }
    }
  }

  private void writeWaiting() {
    while (true) {
      Waiting next;
      synchronized (this) {
        if (waiting.isEmpty() || Thread.currentThread().isInterrupted()) {
          writing = false;
          waiting.values().forEach(w -> w.done().completeExceptionally(new IllegalStateException("the store is closing")));
          waiting.clear();
          return;
        }
        String id = waiting.keySet().iterator().next();
        next = waiting.remove(id);
      }
      try {
        next.write().run();
        next.done().complete(null);
      } catch (Throwable e) { // whatever it was, the thread must go on to the next checkpoint
        LOG.warn("Checkpoint {} not saved ({}); the events it covers are kept", next.what(), e.toString());
        next.done().completeExceptionally(e);
      }
    }
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
    synchronized (this) {
      waiting.values().forEach(w -> w.done().completeExceptionally(new IllegalStateException("the store is closing")));
      waiting.clear();
    }
  }
}
