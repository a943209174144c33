package peerlink.storage;

import com.typesafe.config.Config;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.pekko.dispatch.Futures;
import org.apache.pekko.persistence.SelectedSnapshot;
import org.apache.pekko.persistence.SnapshotMetadata;
import org.apache.pekko.persistence.SnapshotSelectionCriteria;
import org.apache.pekko.persistence.snapshot.japi.SnapshotStore;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.Serialization$;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;
import org.apache.pekko.serialization.jackson.JacksonCborSerializer;
import org.apache.pekko.serialization.jackson.JacksonObjectMapperProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import peerlink.checkpoint.PiecedSnapshot;
import scala.concurrent.Future;
import scala.jdk.javaapi.FutureConverters;

/**
 * Pekko Persistence snapshot-store plugin that keeps snapshots in the node's {@link EventLog}, the same
 * LevelDB as the journal.
 *
 * <p>A snapshot is stored as serializer id, manifest and bytes, so whatever serializer is bound to the
 * state class (jackson-cbor for PeerLink) reads it back.
 */
public final class LevelDbSnapshotStore extends SnapshotStore {

  private static final Logger LOG = LoggerFactory.getLogger(LevelDbSnapshotStore.class);
  private final EventLog log;
  private final CheckpointWriter checkpoints;
  private final Serialization serialization;
  /** Whether jackson-cbor compresses what it writes; then a checkpoint cannot be streamed as its toBinary. */
  private final boolean cborCompressed;

  /** Pekko calls this with the plugin's config section and its path (see {@code Persistence.createPlugin}). */
  public LevelDbSnapshotStore(Config config, String configPath) {
    Path dir = Path.of(config.getString("dir"));
    this.log = EventLogs.get(context().system()).forDirectory(dir);
    this.checkpoints = EventLogs.get(context().system()).checkpointsFor(dir);
    this.serialization = SerializationExtension.get(context().system());
    this.cborCompressed = compressed("jackson-cbor", context().system().settings().config());
  }

  /**
   * Loads the newest selected snapshot. One that cannot be deserialized fails the load instead of being
   * skipped: falling back to an older snapshot could silently lose state if the events in between
   * were deleted. Checkpoints still being written are waited for, so a save is seen by the next load.
   */
  @Override
  public Future<Optional<SelectedSnapshot>> doLoadAsync(String persistenceId, SnapshotSelectionCriteria criteria) {
    return after(checkpoints.finished(persistenceId), () -> loadLatest(persistenceId, criteria));
  }

  private Optional<SelectedSnapshot> loadLatest(String persistenceId, SnapshotSelectionCriteria criteria) {
    return log.latestSnapshot(persistenceId, bounds(criteria)).map(stored -> SelectedSnapshot.create(
        new SnapshotMetadata(persistenceId, stored.sequenceNr(), stored.timestamp()), withPieces(stored, decode(stored.payload()))));
  }

  /** A snapshot in pieces, completed with the pieces it names; any other snapshot as it is. */
  private Object withPieces(StoredSnapshot stored, Object snapshot) {
    if (!(snapshot instanceof PiecedSnapshot pieced)) {
      return snapshot;
    }
    List<Long> ids = new ArrayList<>();
    pieced.forEachPiece((id, content) -> ids.add(id));
    Map<Long, Object> pieces = new HashMap<>();
    log.readPieces(stored.persistenceId(), PieceRefs.of(ids.stream().mapToLong(Long::longValue).toArray()),
        (id, bytes) -> pieces.put(id, decode(bytes)));
    return pieced.withPieces(id -> {
      Object piece = pieces.get(id);
      if (piece == null) {
        throw new IllegalStateException("checkpoint " + stored.persistenceId() + " at " + stored.sequenceNr()
            + " refers to piece " + id + ", which is not in the store");
      }
      return piece;
    });
  }

  /**
   * Answers at once: the checkpoint is serialized and written in the background by the
   * {@link CheckpointWriter}, and the actor goes on meanwhile. The deletions Pekko sends after this
   * answer wait until it (or a newer one that replaced it) is on disk.
   */
  @Override
  public Future<Void> doSaveAsync(SnapshotMetadata metadata, Object snapshot) {
    String id = metadata.persistenceId();
    String what = id + " at " + metadata.sequenceNr();
    checkpoints.start(id, what, () -> {
      long started = System.nanoTime();
      PieceSaver.Saved pieces = snapshot instanceof PiecedSnapshot pieced
          ? PieceSaver.save(log, id, pieced, this::encode)
          : new PieceSaver.Saved(PieceRefs.NONE, 0, 0);
      long bytes;
      try {
        bytes = log.saveSnapshot(id, metadata.sequenceNr(), metadata.timestamp(), out -> encode(snapshot, out), pieces.refs());
      } catch (IOException e) {
        throw notSaved(what, e);
      }
      // One line per checkpoint: its size and time are what a busy node's latency depends on.
      LOG.info("Checkpoint {} saved: {} KiB, and {} new pieces of {} ({} KiB), serialized and written in {} ms", what,
          bytes / 1024, pieces.newPieces(), pieces.refs().size(), pieces.newBytes() / 1024,
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    });
    return Futures.successful(null);
  }

  @Override
  public Future<Void> doDeleteAsync(SnapshotMetadata metadata) {
    return after(checkpoints.written(metadata.persistenceId()), () -> {
      log.deleteSnapshot(metadata.persistenceId(), metadata.sequenceNr());
      return null;
    });
  }

  @Override
  public Future<Void> doDeleteAsync(String persistenceId, SnapshotSelectionCriteria criteria) {
    return after(checkpoints.written(persistenceId), () -> {
      log.deleteSnapshots(persistenceId, bounds(criteria));
      return null;
    });
  }

  private static SnapshotCriteria bounds(SnapshotSelectionCriteria criteria) {
    return new SnapshotCriteria(
        criteria.maxSequenceNr(), criteria.maxTimestamp(), criteria.minSequenceNr(), criteria.minTimestamp());
  }

  /**
   * Why a checkpoint was not saved. The parts are written from inside Jackson's writer, which wraps what
   * the store threw (a write refused or interrupted) in its own IOException; the store's exception is
   * the reason, not the serialization.
   */
  static RuntimeException notSaved(String what, IOException e) {
    if (e instanceof com.fasterxml.jackson.databind.JsonMappingException && e.getCause() instanceof RuntimeException store) {
      return store;
    }
    return new UncheckedIOException("cannot serialize checkpoint " + what, e);
  }

  /**
   * Layout: serializer id (4 bytes), manifest length (4 bytes), manifest (UTF-8), serialized snapshot.
   * Jackson CBOR (the registry's binding) writes
   * straight into {@code out}, so a checkpoint of tens of megabytes is never built in memory; the bytes
   * are the ones its {@code toBinary} gives (without compression, which that binding has off by default).
   * Other serializers go through an array.
   */
  private void encode(Object snapshot, OutputStream out) throws IOException {
    Serializer serializer = serialization.findSerializerFor(snapshot);
    byte[] manifest = Serializers.manifestFor(serializer, snapshot).getBytes(StandardCharsets.UTF_8);
    DataOutputStream header = new DataOutputStream(out);
    header.writeInt(serializer.identifier());
    header.writeInt(manifest.length);
    header.write(manifest);
    header.flush();
    if (serializer instanceof JacksonCborSerializer jackson && !cborCompressed) {
      // serialize() (unlike Serializer.toBinary) sets up the transport information ActorRef fields need.
      IOException failed = Serialization$.MODULE$.withTransportInformation(serialization.system(), () -> {
        try {
          jackson.objectMapper().writer().without(JsonGenerator.Feature.AUTO_CLOSE_TARGET).writeValue(out, snapshot);
          return null;
        } catch (IOException e) {
          return e;
        }
      });
      if (failed != null) {
        throw failed;
      }
    } else {
      out.write(serialization.serialize(snapshot).get());
    }
  }

  /** A piece's stored form: the same layout as a snapshot's. */
  private byte[] encode(Object piece) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      encode(piece, out);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serialize a checkpoint piece " + piece.getClass().getName(), e);
    }
    return out.toByteArray();
  }

  private static boolean compressed(String binding, Config config) {
    return !JacksonObjectMapperProvider.configForBinding(binding, config).getString("compression.algorithm").equals("off");
  }

  private Object decode(byte[] stored) {
    ByteBuffer buffer = ByteBuffer.wrap(stored);
    int serializerId = buffer.getInt();
    byte[] manifest = new byte[buffer.getInt()];
    buffer.get(manifest);
    byte[] bytes = new byte[buffer.remaining()];
    buffer.get(bytes);
    return serialization.deserialize(bytes, serializerId, new String(manifest, StandardCharsets.UTF_8)).get();
  }

  /**
   * Runs a blocking store call on the plugin's dispatcher once {@code first} has completed (and fails
   * with its failure if it failed); no thread waits before.
   */
  private <T> Future<T> after(CompletableFuture<Void> first, Supplier<T> call) {
    return FutureConverters.asScala(first.thenApplyAsync(ready -> call.get(), context().dispatcher()));
  }
}
