package peerlink.storage;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes a snapshot's payload to a stream. A checkpoint is the whole registry, tens of megabytes: written
 * straight into the store's parts, it never exists as one array (see {@link SnapshotParts}).
 */
@FunctionalInterface
public interface SnapshotPayload {
  void writeTo(OutputStream out) throws IOException;
}
