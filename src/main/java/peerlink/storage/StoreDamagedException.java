package peerlink.storage;

import java.nio.file.Path;

/**
 * A data directory holds a store that was created before but cannot be opened as it was: the node must
 * stop rather than start over an empty store and lose what the damaged one held.
 */
public final class StoreDamagedException extends IllegalStateException {
  private final Path directory;
  private final String problem;

  public StoreDamagedException(Path directory, String problem) {
    super("the store in " + directory + " cannot be used: " + problem + ". It is never replaced by an empty one: "
        + "restore the directory from a copy, or, to make this node a new empty member that copies the data from an "
        + "up-to-date node, start it with --reseed (which moves the directory aside) or move the directory away yourself");
    this.directory = directory;
    this.problem = problem;
  }

  /** What is wrong with it, without what to do about it. */
  public String problem() {
    return problem;
  }

  public Path directory() {
    return directory;
  }
}
