package peerlink.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store that was damaged on disk is refused, with a sentence that says what is wrong, and never opened as an
 * empty store or read as if nothing were missing: a real LevelDB, written, closed, then damaged the way disks
 * and operators damage files.
 */
class StoreDamageTest {
  private static final int ENTRIES = 30_000;

  @TempDir Path dir;

  @BeforeEach
  void aStoreWithTablesAndALog() {
    try (LevelDbEventLog log = LevelDbEventLog.open(dir)) {
      Random random = new Random(7);
      log.append(LongStream.rangeClosed(1, ENTRIES).mapToObj(n -> {
        byte[] payload = new byte[200];
        random.nextBytes(payload); // incompressible, so the tables are as large as the data
        return new LogEntry("p", n, payload);
      }).toList());
    }
    // Opened again, LevelDB writes the log it recovers into a table: the store now has both.
    LevelDbEventLog.open(dir).close();
  }

  @Test
  void anUndamagedStoreIsReadThroughCompletely() {
    try (LevelDbEventLog log = LevelDbEventLog.open(dir)) {
      long[] read = log.verifyAll();
      assertTrue(read[0] >= ENTRIES, "entries read: " + read[0]);
      assertTrue(read[1] >= ENTRIES * 200L, "bytes read: " + read[1]);
    }
  }

  @Test
  void aTableWithGarbageInItIsFoundAtTheFirstCompleteRead() throws IOException {
    Path table = largestTable();
    try (RandomAccessFile file = new RandomAccessFile(table.toFile(), "rw")) {
      byte[] garbage = new byte[4096];
      new Random(1).nextBytes(garbage);
      file.seek(file.length() / 3);
      file.write(garbage);
    }

    StoreDamagedException refused = assertThrows(StoreDamagedException.class, () -> {
      try (LevelDbEventLog log = LevelDbEventLog.open(dir)) {
        log.verifyAll();
      }
    });
    assertTrue(refused.getMessage().contains("LevelDB found damage") && refused.getMessage().contains("checksum"), refused.getMessage());
    assertTrue(refused.getMessage().contains("table file " + table.getFileName()), "names the damaged file: " + refused.getMessage());
    assertTrue(refused.getMessage().contains("never replaced by an empty one"), refused.getMessage());
  }

  @Test
  void aTableCutShortIsRefused() throws IOException {
    Path table = largestTable();
    try (RandomAccessFile file = new RandomAccessFile(table.toFile(), "rw")) {
      file.setLength(file.length() / 2);
    }

    StoreDamagedException refused = assertThrows(StoreDamagedException.class, () -> {
      try (LevelDbEventLog log = LevelDbEventLog.open(dir)) {
        log.verifyAll();
      }
    });
    assertTrue(refused.getMessage().contains(table.getFileName().toString()), "names the damaged file: " + refused.getMessage());
  }

  @Test
  void aMissingTableIsRefused() throws IOException {
    Path table = largestTable();
    Files.delete(table);

    StoreDamagedException refused = assertThrows(StoreDamagedException.class, () -> LevelDbEventLog.open(dir).close());
    assertTrue(refused.getMessage().contains("missing files") && refused.getMessage().contains(table.getFileName().toString()), refused.getMessage());
  }

  @Test
  void aMissingWriteAheadLogIsRefusedNotIgnored() throws IOException {
    List<Path> logs = files(".log");
    assertTrue(!logs.isEmpty(), "LevelDB keeps a write-ahead log: " + files(""));
    for (Path log : logs) {
      Files.delete(log);
    }

    StoreDamagedException refused = assertThrows(StoreDamagedException.class, () -> LevelDbEventLog.open(dir).close());
    assertTrue(refused.getMessage().contains("write-ahead log") && refused.getMessage().contains("is missing"), refused.getMessage());
  }

  @Test
  void aMissingCurrentFileIsRefusedAndTheDataFilesAreKept() throws IOException {
    Files.delete(dir.resolve("CURRENT"));
    List<Path> before = files("");

    StoreDamagedException refused = assertThrows(StoreDamagedException.class, () -> LevelDbEventLog.open(dir).close());
    assertTrue(refused.getMessage().contains("CURRENT file is missing"), refused.getMessage());
    assertEquals(before, files(""), "nothing in the directory was created or deleted");
  }

  private Path largestTable() throws IOException {
    List<Path> tables = Stream.concat(files(".sst").stream(), files(".ldb").stream())
        .sorted(Comparator.comparingLong(StoreDamageTest::size).reversed()).toList();
    assertTrue(!tables.isEmpty(), "the store has tables: " + files(""));
    return tables.get(0);
  }

  private List<Path> files(String suffix) throws IOException {
    try (Stream<Path> all = Files.list(dir)) {
      return all.filter(f -> f.getFileName().toString().endsWith(suffix) && !f.getFileName().toString().equals("LOG")).sorted().toList();
    }
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
