package peerlink.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import peerlink.checkpoint.PiecedSnapshot;

/** Saving a snapshot's pieces: only those the latest snapshot does not refer to are serialized and written. */
class PieceSaverTest {
  @TempDir
  Path dir;

  private LevelDbEventLog log;
  private final List<Long> serialized = new ArrayList<>();

  @BeforeEach
  void open() {
    log = LevelDbEventLog.open(dir);
  }

  @AfterEach
  void close() {
    log.close();
  }

  @Test
  void aCheckpointWritesOnlyThePiecesMadeSinceTheLatestOne() throws IOException {
    PieceSaver.Saved first = PieceSaver.save(log, "p", new Pieces(1, 2, 3), this::encode);
    log.saveSnapshot("p", 10, 100, out -> out.write(1), first.refs());
    serialized.clear();

    PieceSaver.Saved second = PieceSaver.save(log, "p", new Pieces(2, 3, 4, 5), this::encode);

    assertEquals(List.of(4L, 5L), serialized, "2 and 3 are in the store already");
    assertEquals(2, second.newPieces());
    assertEquals(PieceRefs.of(2, 3, 4, 5), second.refs());
    Map<Long, String> stored = new HashMap<>();
    log.readPieces("p", second.refs(), (id, bytes) -> stored.put(id, new String(bytes, StandardCharsets.UTF_8)));
    assertEquals(Map.of(2L, "piece 2", 3L, "piece 3", 4L, "piece 4", 5L, "piece 5"), stored);
  }

  @Test
  void piecesAreWrittenInBatchesOfAboutAPartEach() {
    long[] ids = new long[10];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = i;
    }
    int[] writes = {0};
    EventLog store = (EventLog) java.lang.reflect.Proxy.newProxyInstance(
        EventLog.class.getClassLoader(), new Class<?>[] {EventLog.class}, (proxy, method, args) -> {
          if (method.getName().equals("savePieces")) {
            writes[0]++;
          }
          return method.invoke(log, args);
        });

    PieceSaver.Saved saved = PieceSaver.save(store, "p", new Pieces(ids), piece -> new byte[PieceSaver.BATCH_BYTES / 4]);

    assertEquals(3, writes[0], "4 pieces fill a batch: 4, 4, then the last 2");
    assertEquals(10, saved.newPieces());
  }

  private byte[] encode(Object piece) {
    serialized.add((Long) piece);
    return ("piece " + piece).getBytes(StandardCharsets.UTF_8);
  }

  /** A snapshot whose pieces are their own ids. */
  private record Pieces(long... ids) implements PiecedSnapshot {
    @Override
    public void forEachPiece(PieceVisitor visitor) {
      for (long id : ids) {
        visitor.piece(id, () -> id);
      }
    }

    @Override
    public Object withPieces(LongFunction<Object> pieceById) {
      return this;
    }
  }
}
