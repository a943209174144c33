package peerlink.storage;

import java.nio.file.Path;

/**
 * A data directory holds a store that was created before but cannot be opened as it was: the node must
 * stop rather than start over an empty store and lose what the damaged one held.
 */
public final class StoreDamagedException extends IllegalStateException {
  private final Path directory;

  public StoreDamagedException(Path directory, String problem) {
    super("the store in " + directory + " cannot be used: " + problem + ". It is never replaced by an empty one: "
        + "restore the directory from a copy, or, to make this node a new empty member that copies the data from an "
        + "up-to-date node, move the directory away and start the node again");
    this.directory = directory;
  }

  public Path directory() {
    return directory;
  }
}
