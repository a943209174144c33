package peerlink.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.fasterxml.jackson.databind.JsonMappingException;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.Test;

/** The log says why a checkpoint was not saved: the store's refusal, not "cannot serialize". */
class CheckpointNotSavedTest {
  @Test
  void aStoreFailureWrappedByJacksonIsReportedAsItself() {
    IllegalStateException store = new IllegalStateException("interrupted while replicating a write");
    JsonMappingException wrapped = JsonMappingException.from((com.fasterxml.jackson.core.JsonGenerator) null, store.getMessage(), store);

    assertSame(store, LevelDbSnapshotStore.notSaved("registry at 42", wrapped));
  }

  @Test
  void aSerializationFailureSaysWhichCheckpoint() {
    IOException disk = new IOException("no space left");

    RuntimeException reported = LevelDbSnapshotStore.notSaved("registry at 42", disk);

    assertEquals(UncheckedIOException.class, reported.getClass());
    assertEquals("cannot serialize checkpoint registry at 42", reported.getMessage());
    assertSame(disk, reported.getCause());
  }
}
