package peerlink.storage;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import org.apache.pekko.dispatch.Futures;
import org.apache.pekko.persistence.AtomicWrite;
import org.apache.pekko.persistence.PersistentRepr;
import org.apache.pekko.persistence.journal.japi.AsyncWriteJournal;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import peerlink.checkpoint.KeptAside;
import scala.concurrent.Future;
import scala.jdk.javaapi.CollectionConverters;
import scala.jdk.javaapi.FutureConverters;

/**
 * Pekko Persistence journal plugin that keeps events in the node's {@link EventLog}.
 *
 * <p>Configured under a plugin path such as {@code peerlink.storage.journal}; its {@code dir} key names
 * the node's data directory. Blocking storage calls run on the plugin's own dispatcher (the actor's),
 * never on the default one.
 */
public final class LevelDbJournal extends AsyncWriteJournal {

  private final EventLog log;
  private final CheckpointWriter checkpoints;
  private final Serialization serialization;

  /** Pekko calls this with the plugin's config section and its path (see {@code Persistence.createPlugin}). */
  public LevelDbJournal(Config config, String configPath) {
    Path dir = Path.of(config.getString("dir"));
    this.log = EventLogs.get(context().system()).forDirectory(dir);
    this.checkpoints = EventLogs.get(context().system()).checkpointsFor(dir);
    this.serialization = SerializationExtension.get(context().system());
  }

  /**
   * Writes every AtomicWrite of the call in one batch, so one fsync covers them all. A write that
   * cannot be serialized is rejected on its own, but whole: a {@code persist(list)} is one AtomicWrite, and
   * a typed persistent actor stops on a rejection, so the registry checks that each event serializes before
   * it joins a batch (Registry#storable). A storage failure fails the whole call. The events are serialized here, on the plugin's thread, and the log completes the
   * write: the replicated log without blocking any thread while the write is replicated, the local one
   * on this plugin's dispatcher, where calls run concurrently and share a disk flush. Concurrent calls
   * are safe because a persistent actor never sends its next write before the previous one completed.
   */
  @Override
  public Future<Iterable<Optional<Exception>>> doAsyncWriteMessages(Iterable<AtomicWrite> messages) {
    List<Optional<Exception>> results = new ArrayList<>();
    List<LogEntry> entries = new ArrayList<>();
    for (AtomicWrite write : messages) {
      try {
        List<LogEntry> encoded = new ArrayList<>();
        for (PersistentRepr repr : CollectionConverters.asJava(write.payload())) {
          encoded.add(entryOf(repr));
        }
        entries.addAll(encoded);
        results.add(Optional.empty());
      } catch (Exception e) {
        results.add(Optional.of(e));
      }
    }
    Iterable<Optional<Exception>> answer = results;
    return FutureConverters.asScala(log.appendAsync(entries, context().dispatcher()).thenApply(written -> answer));
  }

  /**
   * The entry that stores this event: with what it keeps beside the journal (bodies, a client id), if it is a
   * {@link KeptAside}, journaling it without that.
   */
  private LogEntry entryOf(PersistentRepr repr) {
    if (!(repr.payload() instanceof KeptAside aside)) {
      return new LogEntry(repr.persistenceId(), repr.sequenceNr(), serialization.serialize(repr).get());
    }
    byte[] journaled = serialization.serialize(repr.withPayload(aside.journaled())).get();
    return new LogEntry(repr.persistenceId(), repr.sequenceNr(), journaled, aside);
  }

  /** Pekko deletes events once a checkpoint covers them: only after that checkpoint is on disk. */
  @Override
  public Future<Void> doAsyncDeleteMessagesTo(String persistenceId, long toSequenceNr) {
    return FutureConverters.asScala(checkpoints.written(persistenceId)
        .thenRunAsync(() -> log.deleteTo(persistenceId, toSequenceNr), context().dispatcher()));
  }

  @Override
  public Future<Void> doAsyncReplayMessages(
      String persistenceId, long fromSequenceNr, long toSequenceNr, long max, Consumer<PersistentRepr> replay) {
    return blocking(() -> {
      log.replay(persistenceId, fromSequenceNr, toSequenceNr, max,
          entry -> replay.accept(serialization.deserialize(entry.payload(), PersistentRepr.class).get()));
      return null;
    });
  }

  @Override
  public Future<Long> doAsyncReadHighestSequenceNr(String persistenceId, long fromSequenceNr) {
    return blocking(() -> log.highestSequenceNr(persistenceId));
  }

  private <T> Future<T> blocking(Callable<T> call) {
    return Futures.future(call, context().dispatcher());
  }
}
