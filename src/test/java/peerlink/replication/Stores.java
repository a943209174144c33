package peerlink.replication;

import java.util.ArrayList;
import java.util.List;
import peerlink.storage.EpochStart;
import peerlink.storage.InSyncRecord;
import peerlink.storage.StoreHistory;
import peerlink.storage.StorePosition;

/** Stores as they describe themselves to the rm, for tests of the promotion rules. */
final class Stores {
  static final String A = "pekko://peerlink@127.0.0.1:9008";
  static final String B = "pekko://peerlink@127.0.0.1:9009";
  static final String C = "pekko://peerlink@127.0.0.1:9010";
  static final String LINEAGE = "lineage-1";

  private Stores() {}

  /** A new, empty store. */
  static StoreInfo fresh(String id) {
    return new StoreInfo(id, StoreHistory.NONE, StorePosition.EMPTY, StorePosition.EMPTY, false, InSyncRecord.NONE);
  }

  /** A store of {@code lineage} at (epoch, write) whose epochs each began at write 100 of the one before. */
  static StoreInfo at(String id, String lineage, long epoch, long write, InSyncRecord.Member... inSync) {
    List<EpochStart> epochs = new ArrayList<>();
    epochs.add(new EpochStart(1, StorePosition.EMPTY));
    for (long e = 2; e <= epoch; e++) {
      epochs.add(new EpochStart(e, new StorePosition(e - 1, 100)));
    }
    StorePosition position = new StorePosition(epoch, write);
    return new StoreInfo(id, new StoreHistory(lineage, epochs), position, new StorePosition(epoch, Math.max(0, write - 1)), true,
        new InSyncRecord(epoch, List.of(inSync)));
  }

  static InSyncRecord.Member member(String storeId, String address) {
    return new InSyncRecord.Member(storeId, address);
  }
}
