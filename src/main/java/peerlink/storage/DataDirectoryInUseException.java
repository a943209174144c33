package peerlink.storage;

import java.nio.file.Path;

/**
 * Thrown when a node's data directory is locked by another PeerLink process (or is already open in
 * this one), so that the operator learns which directory to free instead of reading a LevelDB error.
 */
public final class DataDirectoryInUseException extends IllegalStateException {

  private static final long serialVersionUID = 1L;

  private final transient Path directory;

  public DataDirectoryInUseException(Path directory, Throwable cause) {
    super("data directory " + directory + " is in use by another PeerLink process"
        + " (its LevelDB LOCK is held); stop that process or give this node its own directory", cause);
    this.directory = directory;
  }

  /** The directory whose lock could not be taken. */
  public Path directory() {
    return directory;
  }
}
