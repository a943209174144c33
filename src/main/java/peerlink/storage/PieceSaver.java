package peerlink.storage;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import peerlink.checkpoint.PiecedSnapshot;

/**
 * Stores the pieces of a snapshot that the store does not hold yet, before the snapshot itself: the ones
 * the latest snapshot refers to stay as long as it does, so only pieces made since are serialized and
 * written, in writes of about {@link #BATCH_BYTES} each (on the replicated log, the journal's writes go
 * between them, as between a checkpoint's parts).
 */
final class PieceSaver {
  static final int BATCH_BYTES = 256 * 1024;

  /** What a save wrote: every piece the snapshot refers to, and how many of them (and bytes) were new. */
  record Saved(PieceRefs refs, int newPieces, long newBytes) {}

  private PieceSaver() {}

  static Saved save(EventLog log, String persistenceId, PiecedSnapshot snapshot, Function<Object, byte[]> encode) {
    PieceRefs stored = log.latestSnapshotPieces(persistenceId);
    List<Long> refs = new ArrayList<>();
    Map<Long, byte[]> batch = new HashMap<>();
    long[] batchBytes = {0};
    int[] newPieces = {0};
    long[] newBytes = {0};
    snapshot.forEachPiece((id, content) -> {
      refs.add(id);
      if (!stored.contains(id) && !batch.containsKey(id)) {
        byte[] bytes = encode.apply(content.get());
        batch.put(id, bytes);
        batchBytes[0] += bytes.length;
        newPieces[0]++;
        newBytes[0] += bytes.length;
        if (batchBytes[0] >= BATCH_BYTES) {
          log.savePieces(persistenceId, Map.copyOf(batch));
          batch.clear();
          batchBytes[0] = 0;
        }
      }
    });
    if (!batch.isEmpty()) {
      log.savePieces(persistenceId, batch);
    }
    return new Saved(PieceRefs.of(refs.stream().mapToLong(Long::longValue).toArray()), newPieces[0], newBytes[0]);
  }
}
