package peerlink.storage;

import com.typesafe.config.Config;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The free space of the disk that holds a node's store, against the minimum the node keeps free
 * ({@code peerlink.storage.min-free-space}). A node that runs its disk full dies (LevelDB writes through
 * memory-mapped files, and a write into a full file system is a SIGBUS) or leaves writes half done; below
 * the minimum the primary refuses what would grow its state and a backup stops taking writes, and both say
 * so, while the reads, deliveries and acknowledgements that free space go on.
 *
 * <p>Asked on every decided batch and every replicated write: the file system is asked (one statvfs call)
 * at most every {@link #RECHECK_NANOS}, so a burst of writes costs one look.
 */
public final class FreeSpace {
  public static final String MIN_FREE_KEY = "peerlink.storage.min-free-space";
  /** A node that keeps no minimum (tests of other things, and stores in memory). */
  public static final FreeSpace UNCHECKED = new FreeSpace(null, null, 0);

  private static final long RECHECK_NANOS = 200_000_000L;
  private static final long MB = 1_000_000L;

  private final Path directory;
  private final FileStore disk;
  private final long minimum;
  private volatile long free = Long.MAX_VALUE;
  private volatile long checkedAtNanos;
  private volatile boolean checkedOnce;

  private FreeSpace(Path directory, FileStore disk, long minimum) {
    this.directory = directory;
    this.disk = disk;
    this.minimum = minimum;
  }

  /**
   * Watches the disk of {@code directory} (created if missing, as the store will be there).
   *
   * @param minimum bytes to keep free; 0 turns the check off
   */
  public static FreeSpace of(Path directory, long minimum) {
    if (minimum < 0) {
      throw new IllegalArgumentException(MIN_FREE_KEY + " cannot be negative: " + minimum);
    }
    try {
      Path dir = directory.toAbsolutePath().normalize();
      Files.createDirectories(dir);
      return new FreeSpace(dir, Files.getFileStore(dir), minimum);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot find the disk of " + directory + ": " + e.getMessage(), e);
    }
  }

  /** @throws IllegalArgumentException or {@link com.typesafe.config.ConfigException} naming the setting */
  public static long minimumFrom(Config config) {
    long minimum = config.getBytes(MIN_FREE_KEY);
    if (minimum < 0) {
      throw new IllegalArgumentException(MIN_FREE_KEY + " cannot be negative: " + minimum);
    }
    return minimum;
  }

  /** Whether the disk has less free space than the minimum. */
  public boolean low() {
    return disk != null && minimum > 0 && freeBytes() < minimum;
  }

  /** Bytes free for this process on the disk (as of at most {@link #RECHECK_NANOS} ago). */
  public long freeBytes() {
    if (disk == null) {
      return Long.MAX_VALUE;
    }
    long now = System.nanoTime();
    if (!checkedOnce || now - checkedAtNanos >= RECHECK_NANOS) {
      try {
        free = disk.getUsableSpace();
      } catch (IOException e) {
        free = 0; // a disk that cannot say how full it is is not one to write more to
      }
      checkedAtNanos = now;
      checkedOnce = true;
    }
    return free;
  }

  public long minimumBytes() {
    return minimum;
  }

  /** What is wrong, in words an operator can act on; for a disk that is not low, how much is free. */
  public String describe() {
    if (disk == null) {
      return "free space not checked";
    }
    long bytes = freeBytes();
    String figures = String.format("%,d MB free on the disk of %s, %s the minimum of %,d MB (%s)",
        bytes / MB, directory, bytes < minimum ? "below" : "above", minimum / MB, MIN_FREE_KEY);
    return bytes < minimum ? "only " + figures : figures;
  }
}
