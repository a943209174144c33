package peerlink.storage;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BiConsumer;
import java.util.function.BiPredicate;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;
import peerlink.checkpoint.KeptAside;
import peerlink.checkpoint.KeptRecord;
import peerlink.checkpoint.SentId;
import org.fusesource.leveldbjni.JniDBFactory;
import org.iq80.leveldb.DB;
import org.iq80.leveldb.DBIterator;
import org.iq80.leveldb.Options;
import org.iq80.leveldb.ReadOptions;
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
  /**
   * Every read checks the checksums of the blocks it reads: a damaged block is an error, never data. (LevelDB
   * skips the check by default; a CRC32C of each block read costs little next to the read.)
   */
  private static final ReadOptions CHECKED = new ReadOptions().verifyChecksums(true);
  /** A whole-store check reads every block once; those blocks are not worth keeping in LevelDB's cache. */
  private static final ReadOptions CHECKED_ONCE = new ReadOptions().verifyChecksums(true).fillCache(false);
  /** Above this many sequence numbers to delete, deleteTo scans for the entries that exist instead of naming them all. */
  private static final long DELETE_BY_KEY_LIMIT = 100_000;
  /**
   * Events deleted per write. A checkpoint under load covers tens of thousands of events; deleted in one
   * write, their deletion held up every journal write behind it (one replicated write is in flight at a
   * time), and above {@link #DELETE_BY_KEY_LIMIT} it read them all first.
   */
  public static final int DELETE_CHUNK = 2_000;

  /** The file beside LevelDB's own that says a store was created in this directory (it holds the store's id). */
  public static final String MARKER = "PEERLINK-STORE";

  private final Path directory;
  private final DB db;
  private String storeId;
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
   * Opens the log in {@code directory}, creating it only when the directory holds no store yet. A store
   * once created leaves a marker beside its files ({@link #MARKER}); a directory with the marker but no
   * LevelDB store in it (its {@code CURRENT} file lost, say) is refused, never silently replaced by an
   * empty store: LevelDB would otherwise start a new database there and delete the old files.
   *
   * @throws DataDirectoryInUseException if another process, or this one, holds the directory's lock
   * @throws StoreDamagedException       if the store was created before but cannot be found or read
   * @throws UncheckedIOException        if the directory cannot be created or LevelDB cannot open it
   */
  public static LevelDbEventLog open(Path directory) {
    Path dir = directory.toAbsolutePath().normalize();
    try {
      Files.createDirectories(dir);
      boolean created = Files.exists(dir.resolve(MARKER)) || holdsLevelDbFiles(dir);
      if (created && !Files.exists(dir.resolve("CURRENT"))) {
        throw new StoreDamagedException(dir, "its CURRENT file is missing, so LevelDB cannot find the store's files");
      }
      if (created && !holdsWriteAheadLog(dir)) {
        // LevelDB would open such a store without a word and without the writes that were only in the log.
        throw new StoreDamagedException(dir, "its write-ahead log (a file named like 000012.log) is missing; LevelDB always "
            + "keeps one, and it held the latest writes, which the store's tables do not have");
      }
      DB db;
      try {
        // Paranoid checks: LevelDB stops at a damaged file instead of skipping what it cannot read.
        db = JniDBFactory.factory.open(dir.toFile(), new Options().createIfMissing(!created).paranoidChecks(true));
      } catch (IOException e) {
        String message = String.valueOf(e.getMessage());
        if (message.contains("LOCK")) {
          throw e;
        }
        throw new StoreDamagedException(dir, "LevelDB cannot open it: " + message);
      }
      LevelDbEventLog log = new LevelDbEventLog(dir, db);
      try {
        log.storeId = log.ensureIdentity();
      } catch (RuntimeException e) {
        log.close();
        throw new StoreDamagedException(dir, "LevelDB cannot read it: " + levelDbFinding(e));
      }
      Files.writeString(dir.resolve(MARKER), log.storeId + "\n");
      return log;
    } catch (IOException e) {
      // LevelDB says "IO error: lock <dir>/LOCK: Resource temporarily unavailable" when another process
      // holds the directory, and "... already held by process" when this JVM does.
      if (String.valueOf(e.getMessage()).contains("LOCK")) {
        throw new DataDirectoryInUseException(dir, e);
      }
      throw new UncheckedIOException("cannot open the PeerLink data directory " + dir + ": " + e.getMessage(), e);
    }
  }

  private static boolean holdsWriteAheadLog(Path dir) throws IOException {
    try (var files = Files.list(dir)) {
      return files.anyMatch(f -> f.getFileName().toString().endsWith(".log") && !f.getFileName().toString().equals("LOG"));
    }
  }

  /**
   * Reads every entry of the store once, checking every block's checksum, so that damage anywhere in it (a
   * garbled or cut table file) stops the node at start instead of surfacing later as a registry that cannot
   * recover. Takes about as long as reading the store from disk once.
   *
   * @return the number of entries and of bytes of keys and values read
   * @throws StoreDamagedException naming LevelDB's finding and the file it was reading, when it says
   */
  public long[] verifyAll() {
    return guarded(() -> {
      long entries = 0;
      long bytes = 0;
      byte[] lastKey = null;
      try (DBIterator it = db.iterator(CHECKED_ONCE)) {
        for (it.seekToFirst(); it.hasNext(); ) {
          Map.Entry<byte[], byte[]> entry = it.next();
          entries++;
          bytes += entry.getKey().length + entry.getValue().length;
          lastKey = entry.getKey();
        }
      } catch (IOException e) {
        throw new UncheckedIOException("reading the event log in " + directory, e);
      } catch (RuntimeException e) {
        String finding = levelDbFinding(e);
        String where = finding.contains(directory.toString()) ? "" : TableRanges.after(db.getProperty("leveldb.sstables"), lastKey, directory);
        throw new StoreDamagedException(directory, "LevelDB found damage while reading it through: " + finding + where);
      }
      return new long[] {entries, bytes};
    });
  }

  /** LevelDB's own message: leveldbjni throws its DBException, sometimes wrapped in a RuntimeException. */
  private static String levelDbFinding(RuntimeException e) {
    Throwable cause = e;
    while (cause.getCause() != null) {
      cause = cause.getCause();
    }
    return String.valueOf(cause.getMessage());
  }

  /** Whether LevelDB has written files here before (a store made by a version without the marker). */
  private static boolean holdsLevelDbFiles(Path dir) throws IOException {
    try (var files = Files.list(dir)) {
      return files.map(f -> f.getFileName().toString())
          .anyMatch(name -> name.startsWith("MANIFEST-") || name.endsWith(".ldb") || name.endsWith(".sst") || name.endsWith(".log"));
    }
  }

  /**
   * The store's id, made and written when the store is new. A store written before ids existed gets one
   * too, and, when it holds replicated data, the shared {@link StoreHistory#LEGACY} lineage, so the stores
   * of one older deployment still recognise each other's copies.
   */
  private String ensureIdentity() {
    byte[] id = db.get(Keys.STORE_ID_KEY, CHECKED);
    if (id != null) {
      return new String(id, StandardCharsets.UTF_8);
    }
    String made = UUID.randomUUID().toString();
    StorePosition at = position();
    write(batch -> {
      batch.put(Keys.STORE_ID_KEY, made.getBytes(StandardCharsets.UTF_8));
      if (!at.equals(StorePosition.EMPTY) && db.get(Keys.HISTORY_KEY, CHECKED) == null) {
        batch.put(Keys.HISTORY_KEY, new StoreHistory(StoreHistory.LEGACY, List.of()).encode());
        batch.put(Keys.COMMITTED_KEY, committedBefore(at).encode());
      }
    });
    return made;
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
    apply(planAppend(entries));
  }

  /** The mutations that append these entries. */
  public List<Mutation> planAppend(List<LogEntry> entries) {
    List<Mutation> plan = new ArrayList<>(entries.size());
    // Client ids kept by an earlier entry of this write: a later one that forgets a window reads the store, which
    // may still have such an id's old value (the same id sent again after its window), and must not delete it.
    Set<ByteBuffer> idsPut = new HashSet<>();
    for (LogEntry e : entries) {
      plan.add(Mutation.put(Keys.journal(e.persistenceId(), e.sequenceNr()), e.payload()));
      if (e.aside() != null) {
        planAside(e.persistenceId(), e.aside(), plan, idsPut);
      }
    }
    return plan;
  }

  /** What an event keeps beside the journal, as mutations: what it forgets first, then what it keeps. */
  private void planAside(String id, KeptAside aside, List<Mutation> plan, Set<ByteBuffer> idsPut) {
    aside.bodiesToStore().forEach((number, body) -> plan.add(Mutation.put(Keys.body(id, number), body)));
    for (long number : aside.bodiesToDelete()) {
      plan.add(Mutation.delete(Keys.body(id, number)));
    }
    SentId forgotten = aside.sentIdToForget();
    if (forgotten != null) {
      plan.add(Mutation.delete(Keys.sentOrder(id, forgotten.sender(), forgotten.position())));
      plan.add(Mutation.delete(Keys.sentId(id, forgotten.sender(), forgotten.clientId())));
    }
    aside.sentIdsForgottenBefore().forEach((sender, before) -> planForgetSentIds(id, sender, before, plan, idsPut));
    SentId sent = aside.sentIdToStore();
    if (sent != null) {
      byte[] numberAndPosition = ByteBuffer.allocate(2 * Long.BYTES).putLong(sent.number()).putLong(sent.position()).array();
      byte[] key = Keys.sentId(id, sent.sender(), sent.clientId());
      plan.add(Mutation.put(key, numberAndPosition));
      idsPut.add(ByteBuffer.wrap(key));
    }
    for (KeptRecord old : aside.recordsToForget()) {
      plan.add(Mutation.delete(Keys.keptRecordOrder(id, old.sender(), old.position())));
      plan.add(Mutation.delete(Keys.keptRecord(id, old.sender(), old.number())));
    }
    aside.recordsForgottenBefore().forEach((sender, before) -> planForgetRecords(id, sender, before, plan));
    for (KeptRecord kept : aside.recordsToStore()) {
      byte[] value = ByteBuffer.allocate(1 + Long.BYTES + kept.record().length)
          .put(Keys.RECORD_WITH_POSITION).putLong(kept.position()).put(kept.record()).array();
      plan.add(Mutation.put(Keys.keptRecord(id, kept.sender(), kept.number()), value));
    }
  }

  /**
   * Deletes {@code sender}'s kept client ids at positions below {@code before}: read from their values, and from
   * the position keys older builds wrote beside them. Once per window of a sender's sends, so at most two
   * windows of its ids are read.
   */
  private void planForgetSentIds(String id, String sender, long before, List<Mutation> plan, Set<ByteBuffer> idsPut) {
    forEachWithPrefix(Keys.sentIds(id, sender), (key, value) -> {
      if (value.length == 2 * Long.BYTES && ByteBuffer.wrap(value).getLong(Long.BYTES) < before && !idsPut.contains(ByteBuffer.wrap(key))) {
        plan.add(Mutation.delete(key));
      }
      return true;
    });
    forEachWithPrefix(Keys.sentOrders(id, sender), (key, value) -> {
      if (ByteBuffer.wrap(key).getLong(key.length - Long.BYTES) < before) {
        plan.add(Mutation.delete(key));
      }
      return true;
    });
  }

  /** Deletes {@code sender}'s kept records at positions below {@code before}, as {@link #planForgetSentIds} does ids. */
  private void planForgetRecords(String id, String sender, long before, List<Mutation> plan) {
    forEachWithPrefix(Keys.keptRecords(id, sender), (key, value) -> {
      if (value.length > Long.BYTES && value[0] == Keys.RECORD_WITH_POSITION && ByteBuffer.wrap(value).getLong(1) < before) {
        plan.add(Mutation.delete(key));
      }
      return true;
    });
    forEachWithPrefix(Keys.keptRecordOrders(id, sender), (key, value) -> {
      if (ByteBuffer.wrap(key).getLong(key.length - Long.BYTES) < before) {
        plan.add(Mutation.delete(key));
        plan.add(Mutation.delete(Keys.keptRecord(id, sender, ByteBuffer.wrap(value).getLong())));
      }
      return true;
    });
  }

  /** The keys that start with {@code prefix}, with their values, in key order, while {@code each} says to go on. */
  void forEachWithPrefix(byte[] prefix, BiPredicate<byte[], byte[]> each) {
    guarded(() -> {
      try (DBIterator it = db.iterator(CHECKED)) {
        for (it.seek(prefix); it.hasNext(); ) {
          Map.Entry<byte[], byte[]> entry = it.next();
          byte[] key = entry.getKey();
          if (key.length < prefix.length || !Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length) || !each.test(key, entry.getValue())) {
            break;
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("reading the event log in " + directory, e);
      }
      return null;
    });
  }

  @Override
  public byte[] keptRecord(String persistenceId, String sender, long number) {
    byte[] value = guarded(() -> db.get(Keys.keptRecord(persistenceId, sender, number), CHECKED));
    // Since older builds' records (kept with position keys), the value begins with its position.
    return value != null && value.length > Long.BYTES && value[0] == Keys.RECORD_WITH_POSITION ? Arrays.copyOfRange(value, 1 + Long.BYTES, value.length) : value;
  }

  @Override
  public SentId sentId(String persistenceId, String sender, String clientId) {
    byte[] value = guarded(() -> db.get(Keys.sentId(persistenceId, sender, clientId), CHECKED));
    if (value == null) {
      return null;
    }
    ByteBuffer numberAndPosition = ByteBuffer.wrap(value);
    return new SentId(sender, clientId, numberAndPosition.getLong(), numberAndPosition.getLong());
  }

  @Override
  public List<String> sentIdsStartingWith(String persistenceId, String sender, String prefix, int limit) {
    int idFrom = Keys.sentIds(persistenceId, sender).length;
    List<String> ids = new ArrayList<>();
    forEachWithPrefix(Keys.sentId(persistenceId, sender, prefix), (key, value) -> {
      ids.add(new String(key, idFrom, key.length - idFrom, StandardCharsets.UTF_8));
      return ids.size() <= limit;
    });
    return ids;
  }

  @Override
  public byte[] body(String persistenceId, long number) {
    return guarded(() -> db.get(Keys.body(persistenceId, number), CHECKED));
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
    synchronized (metadataLock) {
      List<Mutation> plan;
      while (!(plan = planDeleteTo(persistenceId, toSequenceNr, DELETE_CHUNK)).isEmpty()) {
        apply(plan);
      }
    }
  }

  /** The mutations that delete the id's entries up to {@code toSequenceNr}; empty if nothing is left to delete. */
  public List<Mutation> planDeleteTo(String persistenceId, long toSequenceNr) {
    return planDeleteTo(persistenceId, toSequenceNr, Long.MAX_VALUE);
  }

  /**
   * As {@link #planDeleteTo(String, long)}, for at most {@code maxEntries} sequence numbers after those
   * already deleted: plan again, after applying it, until the plan is empty.
   */
  public List<Mutation> planDeleteTo(String persistenceId, long toSequenceNr, long maxEntries) {
    return guarded(() -> {
      Metadata meta = metadata(persistenceId);
      // The highest number is recorded with the mark because deleting may remove the entry that held it.
      long highest = highest(persistenceId, meta);
      long target = Math.min(toSequenceNr, highest);
      List<Mutation> plan = new ArrayList<>();
      if (target <= meta.deletedTo()) {
        return plan;
      }
      long upTo;
      if (target - meta.deletedTo() <= DELETE_BY_KEY_LIMIT) {
        // Every number after the mark is an entry or nothing; naming the keys spares reading the values,
        // which a scan does (10,000 entries took 54 ms of the single writer's time).
        upTo = Math.min(target, meta.deletedTo() + Math.min(maxEntries, DELETE_BY_KEY_LIMIT));
        for (long seqNr = meta.deletedTo() + 1; seqNr <= upTo; seqNr++) {
          plan.add(Mutation.delete(Keys.journal(persistenceId, seqNr)));
        }
      } else {
        // A wide, sparse range: find the entries, at most maxEntries of them; the mark stops before the next.
        long[] mark = {target};
        long[] found = {0};
        scan(Keys.prefix(Keys.JOURNAL, persistenceId), meta.deletedTo() + 1, e -> {
          long seqNr = Keys.sequenceNr(e.getKey());
          if (seqNr > target) {
            return false;
          }
          if (found[0] == maxEntries) {
            mark[0] = seqNr - 1;
            return false;
          }
          plan.add(Mutation.delete(e.getKey()));
          found[0]++;
          return true;
        });
        upTo = mark[0];
      }
      plan.add(Mutation.put(Keys.metadata(persistenceId), new Metadata(upTo, highest).encode()));
      return plan;
    });
  }

  @Override
  public void saveSnapshot(StoredSnapshot snapshot) {
    apply(planSaveSnapshot(snapshot));
  }

  /** Builds the payload in one array: a single node has no replication to cut it into parts for. */
  @Override
  public long saveSnapshot(String persistenceId, long sequenceNr, long timestamp, SnapshotPayload payload, PieceRefs pieces)
      throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    payload.writeTo(out);
    apply(planSaveSnapshot(new StoredSnapshot(persistenceId, sequenceNr, timestamp, out.toByteArray()), false, pieces));
    return out.size();
  }

  public List<Mutation> planSaveSnapshot(StoredSnapshot snapshot) {
    return planSaveSnapshot(snapshot, false);
  }

  public List<Mutation> planSaveSnapshot(StoredSnapshot snapshot, boolean afterParts) {
    return planSaveSnapshot(snapshot, afterParts, PieceRefs.NONE);
  }

  /**
   * Saves a snapshot whose payload is {@code snapshot.payload()}, preceded by the parts written with
   * {@link #planSaveSnapshotPart} if {@code afterParts}, and referring to {@code pieces} (written before
   * with {@link #planSavePieces}). Without parts, parts left at this sequence number by an earlier save
   * that never finished are deleted, so they cannot be read as this one's.
   */
  public List<Mutation> planSaveSnapshot(StoredSnapshot snapshot, boolean afterParts, PieceRefs pieces) {
    byte[] value = ByteBuffer.allocate(Long.BYTES + snapshot.payload().length)
        .putLong(snapshot.timestamp()).put(snapshot.payload()).array();
    return guarded(() -> {
      List<Mutation> plan = new ArrayList<>();
      if (!afterParts) {
        deletePartsOf(snapshot.persistenceId(), snapshot.sequenceNr(), plan);
      }
      plan.add(Mutation.put(Keys.snapshot(snapshot.persistenceId(), snapshot.sequenceNr()), value));
      byte[] refsKey = Keys.snapshotPieceRefs(snapshot.persistenceId(), snapshot.sequenceNr());
      plan.add(pieces.isEmpty() ? Mutation.delete(refsKey) : Mutation.put(refsKey, pieces.encode()));
      Optional<SnapshotInfo> latest = storedSnapshotInfo(snapshot.persistenceId());
      if (latest.isEmpty() || latest.get().sequenceNr() <= snapshot.sequenceNr()) {
        SnapshotInfo info = new SnapshotInfo(snapshot.sequenceNr(), snapshot.timestamp());
        plan.add(Mutation.put(Keys.snapshotInfo(snapshot.persistenceId()), info.encode()));
      }
      return plan;
    });
  }

  /**
   * Part {@code index} of a snapshot that is saved in several writes: parts 0, 1, ... in order, then
   * {@link #planSaveSnapshot(StoredSnapshot, boolean)} with the rest. Nothing is visible before that last
   * write. Part 0 first deletes the parts of an earlier save of this sequence number that never finished.
   */
  public List<Mutation> planSaveSnapshotPart(String persistenceId, long sequenceNr, int index, byte[] part) {
    return guarded(() -> {
      List<Mutation> plan = new ArrayList<>();
      if (index == 0) {
        deletePartsOf(persistenceId, sequenceNr, plan);
      }
      plan.add(Mutation.put(Keys.snapshotPart(persistenceId, sequenceNr, index), part));
      plan.add(Mutation.put(Keys.snapshotPartCount(persistenceId, sequenceNr), partCount(index + 1)));
      return plan;
    });
  }

  private static byte[] partCount(int parts) {
    return ByteBuffer.allocate(Integer.BYTES).putInt(parts).array();
  }

  @Override
  public void savePieces(String persistenceId, Map<Long, byte[]> pieces) {
    apply(planSavePieces(persistenceId, pieces));
  }

  public List<Mutation> planSavePieces(String persistenceId, Map<Long, byte[]> pieces) {
    List<Mutation> plan = new ArrayList<>(pieces.size());
    pieces.forEach((id, content) -> plan.add(Mutation.put(Keys.snapshotPiece(persistenceId, id), content)));
    return plan;
  }

  @Override
  public PieceRefs latestSnapshotPieces(String persistenceId) {
    return guarded(() -> latestSnapshotInfo(persistenceId).map(latest -> pieceRefs(persistenceId, latest.sequenceNr())).orElse(PieceRefs.NONE));
  }

  private PieceRefs pieceRefs(String persistenceId, long sequenceNr) {
    byte[] stored = db.get(Keys.snapshotPieceRefs(persistenceId, sequenceNr), CHECKED);
    return stored == null ? PieceRefs.NONE : PieceRefs.decode(stored);
  }

  @Override
  public void readPieces(String persistenceId, PieceRefs ids, BiConsumer<Long, byte[]> each) {
    guarded(() -> {
      // One pass in key order: a checkpoint's pieces are most of the pieces there are.
      long[] wanted = ids.ids();
      int[] next = {0};
      if (wanted.length > 0) {
        scan(Keys.prefix(Keys.SNAPSHOT_PIECE, persistenceId), wanted[0], e -> {
          long id = Keys.sequenceNr(e.getKey());
          while (next[0] < wanted.length && wanted[next[0]] < id) {
            next[0]++;
          }
          if (next[0] < wanted.length && wanted[next[0]] == id) {
            each.accept(id, e.getValue());
            next[0]++;
          }
          return next[0] < wanted.length;
        });
      }
      return null;
    });
  }

  /**
   * Deletes the piece references of the snapshots at {@code deleted}, and the pieces they referred to that
   * no other snapshot does. A snapshot being written meanwhile refers only to pieces that the latest
   * snapshot (which stays) refers to, or to new ones that no older snapshot referred to
   * ({@code PiecedSnapshot}'s contract), so nothing it needs goes.
   */
  private void deletePiecesOnlyIn(String persistenceId, List<Long> deleted, List<Mutation> plan) {
    PieceRefs[] refs = {PieceRefs.NONE, PieceRefs.NONE}; // the deleted snapshots', the others'
    scan(Keys.prefix(Keys.SNAPSHOT_PIECE_REFS, persistenceId), 0, e -> {
      PieceRefs these = PieceRefs.decode(e.getValue());
      if (deleted.contains(Keys.sequenceNr(e.getKey()))) {
        refs[0] = refs[0].union(these);
        plan.add(Mutation.delete(e.getKey()));
      } else {
        refs[1] = refs[1].union(these);
      }
      return true;
    });
    for (long id : refs[0].minus(refs[1]).ids()) {
      plan.add(Mutation.delete(Keys.snapshotPiece(persistenceId, id)));
    }
  }

  /**
   * Deletes the parts of one snapshot by their keys, from the count its part writes kept, without reading
   * them: this runs on the replication leader's thread, where reading a checkpoint's tens of megabytes
   * held up every write behind it (hundreds of milliseconds). Parts written before the count existed are
   * found by reading through them, as they used to be.
   */
  private void deletePartsOf(String persistenceId, long sequenceNr, List<Mutation> plan) {
    byte[] countKey = Keys.snapshotPartCount(persistenceId, sequenceNr);
    byte[] count = db.get(countKey, CHECKED);
    if (count != null) {
      for (int index = 0; index < ByteBuffer.wrap(count).getInt(); index++) {
        plan.add(Mutation.delete(Keys.snapshotPart(persistenceId, sequenceNr, index)));
      }
      plan.add(Mutation.delete(countKey));
    } else {
      forEachPart(persistenceId, sequenceNr, (key, value) -> plan.add(Mutation.delete(key)));
    }
  }

  /** The parts of one snapshot in index order (bytewise order of the big-endian index). */
  private void forEachPart(String persistenceId, long sequenceNr, BiConsumer<byte[], byte[]> each) {
    byte[] prefix = Keys.snapshotParts(persistenceId, sequenceNr);
    forEachWithPrefix(prefix, (key, value) -> {
      if (key.length != prefix.length + Integer.BYTES) {
        return false;
      }
      each.accept(key, value);
      return true;
    });
  }

  /** A snapshot's payload: its parts, if it was saved in several writes, then the rest from its own key. */
  private byte[] payloadOf(String persistenceId, long sequenceNr, byte[] value) {
    ByteArrayOutputStream payload = new ByteArrayOutputStream();
    forEachPart(persistenceId, sequenceNr, (key, part) -> payload.writeBytes(part));
    payload.write(value, Long.BYTES, value.length - Long.BYTES);
    return payload.toByteArray();
  }

  /**
   * The sequence number and time of the id's latest snapshot, without reading the snapshot: status reports
   * ask every second, and a checkpoint can be tens of megabytes.
   */
  public Optional<SnapshotInfo> latestSnapshotInfo(String persistenceId) {
    return guarded(() -> {
      Optional<SnapshotInfo> stored = storedSnapshotInfo(persistenceId);
      if (stored.isPresent()) {
        return stored;
      }
      // A store written before the info key existed, or whose latest snapshot was deleted: look.
      SnapshotInfo[] latest = {null};
      scanSnapshots(persistenceId, SnapshotCriteria.latest(), (seqNr, value) -> latest[0] = new SnapshotInfo(seqNr, timestampOf(value)));
      return Optional.ofNullable(latest[0]);
    });
  }

  private Optional<SnapshotInfo> storedSnapshotInfo(String persistenceId) {
    byte[] value = db.get(Keys.snapshotInfo(persistenceId), CHECKED);
    return value == null ? Optional.empty() : Optional.of(SnapshotInfo.decode(value));
  }

  /** Deleting the snapshot the info key describes deletes the key too; the next read looks for the latest left. */
  private void forgetInfoIfDeleted(String persistenceId, List<Long> deleted, List<Mutation> plan) {
    Optional<SnapshotInfo> info = storedSnapshotInfo(persistenceId);
    if (info.isPresent() && deleted.contains(info.get().sequenceNr())) {
      plan.add(Mutation.delete(Keys.snapshotInfo(persistenceId)));
    }
  }

  @Override
  public Optional<StoredSnapshot> latestSnapshot(String persistenceId, SnapshotCriteria criteria) {
    return guarded(() -> {
      // The scan visits every matching snapshot; only the latest one's parts are read.
      SnapshotKey[] latest = {null};
      scanSnapshots(persistenceId, criteria, (seqNr, value) -> latest[0] = new SnapshotKey(seqNr, value));
      return Optional.ofNullable(latest[0]).map(found -> new StoredSnapshot(
          persistenceId, found.sequenceNr(), timestampOf(found.value()), payloadOf(persistenceId, found.sequenceNr(), found.value())));
    });
  }

  @Override
  public void deleteSnapshot(String persistenceId, long sequenceNr) {
    apply(planDeleteSnapshot(persistenceId, sequenceNr));
  }

  public List<Mutation> planDeleteSnapshot(String persistenceId, long sequenceNr) {
    return guarded(() -> {
      List<Mutation> plan = new ArrayList<>(List.of(Mutation.delete(Keys.snapshot(persistenceId, sequenceNr))));
      deletePartsOf(persistenceId, sequenceNr, plan);
      deletePiecesOnlyIn(persistenceId, List.of(sequenceNr), plan);
      forgetInfoIfDeleted(persistenceId, List.of(sequenceNr), plan);
      return plan;
    });
  }

  @Override
  public void deleteSnapshots(String persistenceId, SnapshotCriteria criteria) {
    apply(planDeleteSnapshots(persistenceId, criteria));
  }

  public List<Mutation> planDeleteSnapshots(String persistenceId, SnapshotCriteria criteria) {
    return guarded(() -> {
      List<Mutation> plan = new ArrayList<>();
      List<Long> deleted = new ArrayList<>();
      scanSnapshots(persistenceId, criteria, (seqNr, value) -> {
        plan.add(Mutation.delete(Keys.snapshot(persistenceId, seqNr)));
        deletePartsOf(persistenceId, seqNr, plan);
        deleted.add(seqNr);
      });
      if (!deleted.isEmpty()) {
        deletePiecesOnlyIn(persistenceId, deleted, plan);
      }
      forgetInfoIfDeleted(persistenceId, deleted, plan);
      return plan;
    });
  }

  /** Writes the mutations atomically with fsync. */
  public void apply(List<Mutation> mutations) {
    if (!mutations.isEmpty()) {
      guarded(() -> write(batch -> {
        fill(batch, mutations);
        batch.delete(Keys.LAST_WRITE_KEY); // a write outside the replicated history: no last write to hand on
      }));
    }
  }

  /**
   * Writes the mutations and the new replication position atomically with fsync. One write is in flight
   * at a time, so the primary completed write {@code w - 1} before it sent {@code w}: the committed
   * position moves with it.
   */
  public void apply(List<Mutation> mutations, StorePosition position) {
    guarded(() -> write(batch -> {
      fill(batch, mutations);
      batch.put(Keys.POSITION_KEY, position.encode());
      batch.put(Keys.LAST_WRITE_KEY, LastWrite.encodeKeys(position, mutations));
      if (position.writeId() > 0) {
        batch.put(Keys.COMMITTED_KEY, committedBefore(position).encode());
      }
    }));
  }

  private static StorePosition committedBefore(StorePosition position) {
    return new StorePosition(position.epoch(), Math.max(0, position.writeId() - 1));
  }

  /** Where this store is in the replicated history; {@link StorePosition#EMPTY} for a new store. */
  public StorePosition position() {
    return guarded(() -> {
      byte[] value = db.get(Keys.POSITION_KEY, CHECKED);
      return value == null ? StorePosition.EMPTY : StorePosition.decode(value);
    });
  }

  /** The id this store was given when it was created (not copied with its content). */
  public String storeId() {
    return storeId;
  }

  /** The lineage and epoch starts of the history this store holds; {@link StoreHistory#NONE} for a new store. */
  public StoreHistory history() {
    return guarded(() -> {
      byte[] value = db.get(Keys.HISTORY_KEY, CHECKED);
      return value == null ? StoreHistory.NONE : StoreHistory.decode(value);
    });
  }

  /** Up to where this store's writes are known to have been acknowledged (a lower bound). */
  public StorePosition committed() {
    return guarded(() -> {
      byte[] value = db.get(Keys.COMMITTED_KEY, CHECKED);
      return value == null ? StorePosition.EMPTY : StorePosition.decode(value);
    });
  }

  /**
   * Whether the store holds writes that were, or may have been, acknowledged to a client: anything
   * committed past the start of its history. A new store, or one whose first primary never completed a
   * write, holds none, and may take any copy.
   */
  public boolean holdsAcknowledgedWrites() {
    StoreHistory history = history();
    if (history.empty()) {
      return false;
    }
    StorePosition committed = committed();
    StorePosition genesis = history.genesis();
    return committed.epoch() > genesis.epoch() || (committed.epoch() == genesis.epoch() && committed.writeId() > 0);
  }

  /** The in-sync set the primary last recorded in this store. */
  public InSyncRecord inSyncRecord() {
    return guarded(() -> {
      byte[] value = db.get(Keys.IN_SYNC_KEY, CHECKED);
      return value == null ? InSyncRecord.NONE : InSyncRecord.decode(value);
    });
  }

  /** The replicated write that records the in-sync set. */
  public static Mutation inSyncRecordWrite(InSyncRecord record) {
    return Mutation.put(Keys.IN_SYNC_KEY, record.encode());
  }

  /**
   * Starts {@code epoch} in this store (a promotion), durably: position {@code (epoch, 0)}, and the epoch's
   * start in the history. A store with no history gets lineage {@code newLineage}: it is a deployment's
   * first. Does nothing when the store is already at that epoch or a later one. Returns the position.
   */
  public StorePosition fence(long epoch, String newLineage) {
    return fence(epoch, newLineage, null);
  }

  /** {@link #fence(long, String)}, recording in the same batch that the in-sync set is {@code inSync} (the new primary alone). */
  public StorePosition fence(long epoch, String newLineage, InSyncRecord inSync) {
    return guarded(() -> {
      StorePosition at = position();
      if (epoch <= at.epoch()) {
        return at;
      }
      StoreHistory next = history().begin(epoch, at, newLineage);
      StorePosition fenced = new StorePosition(epoch, 0);
      write(batch -> {
        batch.put(Keys.POSITION_KEY, fenced.encode());
        batch.put(Keys.HISTORY_KEY, next.encode());
        if (inSync != null) {
          batch.put(Keys.IN_SYNC_KEY, inSync.encode());
        }
      });
      return fenced;
    });
  }

  /**
   * Continues this store into {@code epoch} of a primary that was promoted standing exactly where this store
   * stands ({@code from}), so nothing needs copying: within one lineage a position names one content, as each
   * epoch has one primary, which numbers its writes once. Sets the position {@code (epoch, 0)}, the primary's
   * {@code history} and {@code inSync} record (what a full copy would have brought) and the replicated mark
   * in one synced batch. Also from one write before {@code from} when {@code lastWrite} (or null) is the
   * primary's write at {@code from}: it is applied in the same batch. Returns false, and writes nothing,
   * unless this store is so placed, of the same lineage, and {@code history} begins {@code epoch} at {@code from}.
   */
  public boolean follow(long epoch, StorePosition from, StoreHistory history, InSyncRecord inSync, LastWrite lastWrite) {
    return guarded(() -> {
      StoreHistory own = history();
      List<EpochStart> epochs = history.epochs();
      StorePosition at = position();
      boolean oneBehind = lastWrite != null && lastWrite.position().equals(from) && from.writeId() > 0
          && at.equals(new StorePosition(from.epoch(), from.writeId() - 1));
      boolean continues = !own.empty() && own.lineage().equals(history.lineage()) && (at.equals(from) || oneBehind)
          && !epochs.isEmpty() && epochs.get(epochs.size() - 1).equals(new EpochStart(epoch, from));
      if (!continues) {
        return false;
      }
      write(batch -> {
        if (oneBehind) {
          fill(batch, lastWrite.mutations());
          batch.put(Keys.LAST_WRITE_KEY, LastWrite.encodeKeys(from, lastWrite.mutations()));
        }
        batch.put(Keys.POSITION_KEY, new StorePosition(epoch, 0).encode());
        batch.put(Keys.HISTORY_KEY, history.encode());
        batch.put(Keys.IN_SYNC_KEY, inSync.encode());
        batch.put(Keys.REPLICATED_KEY, new byte[] {1});
      });
      return true;
    });
  }

  /** The last replicated write this store applied, with the values it put, or null (none since its last copy). */
  public LastWrite lastWrite() {
    return guarded(() -> {
      byte[] keys = db.get(Keys.LAST_WRITE_KEY, CHECKED);
      return keys == null ? null : LastWrite.decode(keys, key -> db.get(key, CHECKED));
    });
  }

  /**
   * The mark a primary writes (replicated like any write) once a backup has joined it: from then on
   * this store may not be the only copy, so only the rm may decide it is the latest.
   */
  public static Mutation replicatedMarker() {
    return Mutation.put(Keys.REPLICATED_KEY, new byte[] {1});
  }

  public boolean wasReplicated() {
    return guarded(() -> db.get(Keys.REPLICATED_KEY, CHECKED) != null);
  }

  /** Every key and value of the store's replicated content: what a catching-up replica copies. */
  public List<Mutation> exportAll() {
    return guarded(() -> {
      List<Mutation> all = new ArrayList<>();
      try (DBIterator it = db.iterator(CHECKED)) {
        for (it.seekToFirst(); it.hasNext(); ) {
          Map.Entry<byte[], byte[]> entry = it.next();
          if (entry.getKey().length > 0 && !Keys.isLocal(entry.getKey())) {
            all.add(Mutation.put(entry.getKey(), entry.getValue()));
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("reading the event log in " + directory, e);
      }
      return all;
    });
  }

  /**
   * Replaces the whole content with a copy taken at {@code position} of a store with {@code history}, in
   * one atomic write. The copy was taken between writes, so all of it was acknowledged. The store keeps
   * its own id.
   */
  public void installCopy(List<Mutation> content, StorePosition position, StoreHistory history) {
    guarded(() -> write(batch -> {
      try (DBIterator it = db.iterator(CHECKED)) {
        for (it.seekToFirst(); it.hasNext(); ) {
          byte[] key = it.next().getKey();
          if (!Arrays.equals(key, Keys.STORE_ID_KEY)) {
            batch.delete(key);
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("reading the event log in " + directory, e);
      }
      fill(batch, content);
      batch.put(Keys.POSITION_KEY, position.encode());
      batch.put(Keys.COMMITTED_KEY, position.encode());
      if (!history.empty()) {
        batch.put(Keys.HISTORY_KEY, history.encode());
      }
    }));
  }

  /** {@link #installCopy} keeping this store's own history: for tests and local tools. */
  public void replaceAll(List<Mutation> content, StorePosition position) {
    installCopy(content, position, history());
  }

  private static void fill(WriteBatch batch, List<Mutation> mutations) {
    for (Mutation m : mutations) {
      if (m.isDelete()) {
        batch.delete(m.key());
      } else {
        batch.put(m.key(), m.value());
      }
    }
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
    try (DBIterator it = db.iterator(CHECKED)) {
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

  /** A snapshot key's sequence number and value (timestamp, then the payload or its last part). */
  private record SnapshotKey(long sequenceNr, byte[] value) {}

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
    try (DBIterator it = db.iterator(CHECKED)) {
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
    byte[] value = db.get(Keys.metadata(persistenceId), CHECKED);
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
