package peerlink.storage;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes checkpoints on a thread of its own, one at a time and in the order they were started, so that
 * the persistent actor taking one goes on persisting while it is serialized and written.
 *
 * <p>Why: Pekko's typed persistence stashes every command of an actor until its snapshot store has
 * answered a save. The registry's checkpoint is the whole router state, megabytes once peers have
 * history, and waiting for it held every acknowledgement up for hundreds of milliseconds.
 *
 * <p>What keeps this safe: Pekko deletes the events (and older snapshots) a checkpoint covers as soon as
 * the save was answered. Every deletion calls {@link #awaitWritten} first, which waits until the
 * checkpoints started before it are on disk and fails if the latest of them failed. So no event is
 * deleted before a durable checkpoint covers it; a checkpoint that is lost (a crash, a failed write)
 * leaves the events, and recovery replays them over the previous checkpoint.
 */
public final class CheckpointWriter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CheckpointWriter.class);

  private final ExecutorService thread;
  /** The checkpoint started last; it finishes after every earlier one (one thread, in order). */
  private volatile CompletableFuture<Void> latest = CompletableFuture.completedFuture(null);

  public CheckpointWriter(String name) {
    this.thread = Executors.newSingleThreadExecutor(run -> {
      Thread writer = new Thread(run, name);
      writer.setDaemon(true);
      return writer;
    });
  }

  /**
   * Starts writing a checkpoint once the previous one is written, and returns as soon as it has started.
   * Waiting for the previous one is the back-pressure: an actor that checkpoints faster than checkpoints
   * can be written is held up, instead of a queue of states piling up in memory.
   *
   * @param what names the checkpoint in the log if it fails
   */
  public synchronized void start(String what, Runnable write) {
    awaitQuietly();
    latest = CompletableFuture.runAsync(write, thread).whenComplete((done, failure) -> {
      if (failure != null) {
        Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
        LOG.warn("Checkpoint {} not saved ({}); the events it covers are kept", what, cause.toString());
      }
    });
  }

  /**
   * Waits until every checkpoint started so far is written; call before deleting what a checkpoint
   * covers.
   *
   * @throws IllegalStateException if the latest of them was not saved
   */
  public void awaitWritten() {
    try {
      latest.join();
    } catch (CompletionException | CancellationException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new IllegalStateException("the latest checkpoint was not saved (" + cause.getMessage() + "); keeping what it covers", cause);
    }
  }

  /** Waits until every checkpoint started so far has finished, saved or not; for reads of the store. */
  public void awaitQuietly() {
    try {
      latest.join();
    } catch (CompletionException | CancellationException e) {
      // The failure was logged when it happened; the caller reads whatever the store has.
    }
  }

  /**
   * Stops the thread. A checkpoint still being written is interrupted where it waits and not saved,
   * which loses nothing: the events it covers were not deleted.
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
  }
}
