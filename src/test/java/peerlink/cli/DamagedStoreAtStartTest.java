package peerlink.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import peerlink.storage.LevelDbEventLog;
import peerlink.storage.LogEntry;

/**
 * A node whose store was damaged on disk does not start: {@code peerlink server} ends with exit code 2 and one
 * line that names the store, the damaged file and what to do, before anything else starts (StoreDamageTest has
 * every kind of damage on the store itself).
 */
class DamagedStoreAtStartTest {
  @TempDir Path dir;

  private Path store;

  @BeforeEach
  void aNodesStoreWithTablesAndALog() {
    store = dir.resolve("data").resolve("store");
    try (LevelDbEventLog log = LevelDbEventLog.open(store)) {
      log.append(LongStream.rangeClosed(1, 20_000).mapToObj(n -> new LogEntry("peerlink-registry", n, ("event " + n).repeat(20).getBytes())).toList());
    }
    LevelDbEventLog.open(store).close(); // reopened, LevelDB writes its log into a table
  }

  @AfterEach
  void restore() {
    System.clearProperty("config.file");
  }

  @Test
  void aTableWithGarbageStopsTheServerWithOneLineNamingTheFile() throws IOException {
    Path table = largest(".ldb", ".sst");
    try (RandomAccessFile file = new RandomAccessFile(table.toFile(), "rw")) {
      file.seek(file.length() / 2);
      file.write(new byte[4096]);
    }

    CliRun run = server();

    assertEquals(2, run.exitCode(), run.stderr());
    assertEquals(1, run.stderr().lines().count(), "one line: " + run.stderr());
    assertTrue(run.stderr().startsWith("peerlink server: the store in " + store.toAbsolutePath()), run.stderr());
    assertTrue(run.stderr().contains("checksum mismatch") && run.stderr().contains(table.getFileName().toString()), run.stderr());
    assertTrue(run.stderr().contains("start it with --reseed"), "says what to do: " + run.stderr());
  }

  @Test
  void aMissingWriteAheadLogStopsTheServer() throws IOException {
    Files.delete(largest(".log"));

    CliRun run = server();

    assertEquals(2, run.exitCode(), run.stderr());
    assertEquals(1, run.stderr().lines().count(), "one line: " + run.stderr());
    assertTrue(run.stderr().contains("write-ahead log") && run.stderr().contains("is missing"), run.stderr());
  }

  private CliRun server() {
    return CliRun.peerlink(null, null, "server", "--data", dir.resolve("data").toString(), "--port", "1", "--cluster-port", "1");
  }

  private Path largest(String... suffixes) throws IOException {
    try (Stream<Path> files = Files.list(store)) {
      List<Path> matching = files.filter(f -> Stream.of(suffixes).anyMatch(f.getFileName().toString()::endsWith))
          .sorted(Comparator.comparingLong(f -> f.toFile().length())).toList();
      assertTrue(!matching.isEmpty(), "the store has a file ending in " + List.of(suffixes));
      return matching.get(matching.size() - 1);
    }
  }
}
