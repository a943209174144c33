package peerlink.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.fusesource.leveldbjni.JniDBFactory;
import org.iq80.leveldb.DB;
import org.iq80.leveldb.DBIterator;
import org.iq80.leveldb.Options;
import org.iq80.leveldb.WriteBatch;
import org.iq80.leveldb.WriteOptions;

/**
 * The {@link EventLog} of one node, kept in a LevelDB directory through JNI, every write fsync'ed.
 *
 * <p>Appends are not serialized here on purpose: LevelDB merges the batches of writers that arrive
 * while another write is syncing into one log write and one fsync (its built-in group commit), so
 * concurrent appends from several entities share the cost of the disk flush.
 */
public final class LevelDbEventLog implements EventLog {

  private static final WriteOptions DURABLE = new WriteOptions().sync(true);

  private final Path directory;
  private final DB db;
  // Closing frees LevelDB's native memory; an operation still inside JNI would then touch freed memory.
  // So operations share the read lock and close() takes the write lock.
  private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
  private boolean closed;
  // deleteTo reads the metadata record and then rewrites it; two deletes must not interleave.
  private final Object metadataLock = new Object();

  private LevelDbEventLog(Path directory, DB db) {
    this.directory = directory;
    this.db = db;
  }

  /**
   * Opens (creating if missing) the log in {@code directory}.
   *
   * @throws DataDirectoryInUseException if another process, or this one, holds the directory's lock
   * @throws UncheckedIOException        if the directory cannot be created or LevelDB cannot open it
   */
  public static LevelDbEventLog open(Path directory) {
    Path dir = directory.toAbsolutePath().normalize();
    try {
      Files.createDirectories(dir);
      return new LevelDbEventLog(dir, JniDBFactory.factory.open(dir.toFile(), new Options().createIfMissing(true)));
    } catch (IOException e) {
      // LevelDB says "IO error: lock <dir>/LOCK: Resource temporarily unavailable" when another process
      // holds the directory, and "... already held by process" when this JVM does.
      if (String.valueOf(e.getMessage()).contains("LOCK")) {
        throw new DataDirectoryInUseException(dir, e);
      }
      throw new UncheckedIOException("cannot open the PeerLink data directory " + dir + ": " + e.getMessage(), e);
    }
  }

  /** The absolute directory this log lives in. */
  public Path directory() {
    return directory;
  }

  @Override
  public void append(List<LogEntry> entries) {
    if (entries.isEmpty()) {
      return;
    }
    guarded(() -> write(batch -> entries.forEach(
        e -> batch.put(Keys.journal(e.persistenceId(), e.sequenceNr()), e.payload()))));
  }

  @Override
  public void replay(String persistenceId, long fromSequenceNr, long toSequenceNr, long max, Consumer<LogEntry> each) {
    guarded(() -> {
      // Starting after the deleted-to mark skips LevelDB's tombstones of deleted entries, which a scan
      // would otherwise step over one by one until compaction drops them.
      long from = Math.max(fromSequenceNr, metadata(persistenceId).deletedTo() + 1);
      long[] seen = {0};
      if (max > 0 && from <= toSequenceNr) {
        scan(Keys.prefix(Keys.JOURNAL, persistenceId), from, e -> {
          long seqNr = Keys.sequenceNr(e.getKey());
          if (seqNr > toSequenceNr) {
            return false;
          }
          each.accept(new LogEntry(persistenceId, seqNr, e.getValue()));
          return ++seen[0] < max;
        });
      }
      return null;
    });
  }

  @Override
  public long highestSequenceNr(String persistenceId) {
    return guarded(() -> highest(persistenceId, metadata(persistenceId)));
  }

  @Override
  public void deleteTo(String persistenceId, long toSequenceNr) {
    guarded(() -> {
      synchronized (metadataLock) {
        Metadata meta = metadata(persistenceId);
        // The highest number is recorded with the mark because deleting may remove the entry that held it.
        long highest = highest(persistenceId, meta);
        long upTo = Math.min(toSequenceNr, highest);
        if (upTo <= meta.deletedTo()) {
          return null;
        }
        return write(batch -> {
          scan(Keys.prefix(Keys.JOURNAL, persistenceId), meta.deletedTo() + 1, e -> {
            if (Keys.sequenceNr(e.getKey()) > upTo) {
              return false;
            }
            batch.delete(e.getKey());
            return true;
          });
          batch.put(Keys.metadata(persistenceId), new Metadata(upTo, highest).encode());
        });
      }
    });
  }

  @Override
  public void saveSnapshot(StoredSnapshot snapshot) {
    byte[] value = ByteBuffer.allocate(Long.BYTES + snapshot.payload().length)
        .putLong(snapshot.timestamp()).put(snapshot.payload()).array();
    guarded(() -> db.put(Keys.snapshot(snapshot.persistenceId(), snapshot.sequenceNr()), value, DURABLE));
  }

  @Override
  public Optional<StoredSnapshot> latestSnapshot(String persistenceId, SnapshotCriteria criteria) {
    return guarded(() -> {
      StoredSnapshot[] latest = {null};
      scanSnapshots(persistenceId, criteria, (seqNr, value) -> latest[0] = new StoredSnapshot(
          persistenceId, seqNr, timestampOf(value), Arrays.copyOfRange(value, Long.BYTES, value.length)));
      return Optional.ofNullable(latest[0]);
    });
  }

  @Override
  public void deleteSnapshot(String persistenceId, long sequenceNr) {
    guarded(() -> db.delete(Keys.snapshot(persistenceId, sequenceNr), DURABLE));
  }

  @Override
  public void deleteSnapshots(String persistenceId, SnapshotCriteria criteria) {
    guarded(() -> write(batch -> scanSnapshots(persistenceId, criteria,
        (seqNr, value) -> batch.delete(Keys.snapshot(persistenceId, seqNr)))));
  }

  @Override
  public void close() {
    lifecycle.writeLock().lock();
    try {
      if (!closed) {
        closed = true;
        db.close();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("closing the event log in " + directory, e);
    } finally {
      lifecycle.writeLock().unlock();
    }
  }

  @Override
  public String toString() {
    return "LevelDbEventLog(" + directory + ")";
  }

  private <T> T guarded(Supplier<T> operation) {
    lifecycle.readLock().lock();
    try {
      if (closed) {
        throw new IllegalStateException("the event log in " + directory + " is closed");
      }
      return operation.get();
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  /** Fills one batch and writes it atomically with fsync. */
  private Void write(Consumer<WriteBatch> fill) {
    try (WriteBatch batch = db.createWriteBatch()) {
      fill.accept(batch);
      db.write(batch, DURABLE);
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException("writing to the event log in " + directory, e);
    }
  }

  /** Visits the sequenced keys under {@code prefix} from {@code fromSequenceNr} on, while the visitor says so. */
  private void scan(byte[] prefix, long fromSequenceNr, Predicate<Map.Entry<byte[], byte[]>> visitor) {
    try (DBIterator it = db.iterator()) {
      it.seek(Keys.withSequenceNr(prefix, Math.max(0, fromSequenceNr)));
      while (it.hasNext()) {
        Map.Entry<byte[], byte[]> entry = it.next();
        if (!Keys.isUnder(entry.getKey(), prefix) || !visitor.test(entry)) {
          return;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("reading the event log in " + directory, e);
    }
  }

  private interface SnapshotVisitor {
    void visit(long sequenceNr, byte[] value);
  }

  private void scanSnapshots(String persistenceId, SnapshotCriteria criteria, SnapshotVisitor visitor) {
    scan(Keys.prefix(Keys.SNAPSHOT, persistenceId), criteria.minSequenceNr(), e -> {
      long seqNr = Keys.sequenceNr(e.getKey());
      if (seqNr > criteria.maxSequenceNr()) {
        return false;
      }
      if (criteria.matches(seqNr, timestampOf(e.getValue()))) {
        visitor.visit(seqNr, e.getValue());
      }
      return true;
    });
  }

  private static long timestampOf(byte[] snapshotValue) {
    return ByteBuffer.wrap(snapshotValue).getLong();
  }

  private long highest(String persistenceId, Metadata meta) {
    return Math.max(lastJournalSequenceNr(persistenceId), meta.highest());
  }

  private long lastJournalSequenceNr(String persistenceId) {
    byte[] prefix = Keys.prefix(Keys.JOURNAL, persistenceId);
    try (DBIterator it = db.iterator()) {
      // A LevelDB iterator steps back only from a valid position: seek past the id's last possible
      // key and look one entry back, or take the very last entry when nothing follows the id.
      it.seek(Keys.withSequenceNr(prefix, Long.MAX_VALUE));
      Map.Entry<byte[], byte[]> candidate;
      if (it.hasNext()) {
        candidate = Keys.isUnder(it.peekNext().getKey(), prefix) ? it.peekNext() : it.hasPrev() ? it.peekPrev() : null;
      } else {
        it.seekToLast();
        candidate = it.hasNext() ? it.peekNext() : null;
      }
      return candidate != null && Keys.isUnder(candidate.getKey(), prefix) ? Keys.sequenceNr(candidate.getKey()) : 0;
    } catch (IOException e) {
      throw new UncheckedIOException("reading the event log in " + directory, e);
    }
  }

  private Metadata metadata(String persistenceId) {
    byte[] value = db.get(Keys.metadata(persistenceId));
    return value == null ? new Metadata(0, 0) : Metadata.decode(value);
  }

  /** Per-id bookkeeping that outlives deleted entries. */
  private record Metadata(long deletedTo, long highest) {

    byte[] encode() {
      return ByteBuffer.allocate(2 * Long.BYTES).putLong(deletedTo).putLong(highest).array();
    }

    static Metadata decode(byte[] value) {
      ByteBuffer buffer = ByteBuffer.wrap(value);
      return new Metadata(buffer.getLong(), buffer.getLong());
    }
  }
}
