package peerlink.e2e;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * A small file system of its own (a tmpfs the test mounts) for a node's data directory, which the test fills
 * and frees like a disk that runs full and is cleaned up. Mounting needs root (CI runs as root); elsewhere
 * the test is skipped with the reason printed.
 */
final class SmallDisk implements AutoCloseable {
  private final Path mountPoint;
  private final Path filler;

  private SmallDisk(Path mountPoint) {
    this.mountPoint = mountPoint;
    this.filler = mountPoint.resolve("filler-of-the-test");
  }

  /** Mounts a tmpfs of {@code megabytes} MiB at {@code mountPoint}, or skips the test saying why it cannot. */
  static SmallDisk mount(Path mountPoint, int megabytes) throws IOException, InterruptedException {
    Files.createDirectories(mountPoint);
    Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + megabytes + "m", "tmpfs", mountPoint.toString())
        .redirectErrorStream(true).start();
    String output = new String(mount.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    int code = mount.waitFor();
    if (code != 0) {
      System.out.println("SKIPPED: cannot mount a small file system for a full-disk test (needs root; CI runs as root): " + output);
    }
    Assumptions.assumeTrue(code == 0, "mounting a tmpfs failed (not root?): " + output);
    return new SmallDisk(mountPoint);
  }

  long freeBytes() throws IOException {
    return Files.getFileStore(mountPoint).getUsableSpace();
  }

  /** Writes a file that leaves about {@code leaveFree} bytes free. */
  void fillLeaving(long leaveFree) throws IOException {
    long size = Files.exists(filler) ? Files.size(filler) : 0;
    long grow = freeBytes() - leaveFree;
    if (grow > 0) {
      try (RandomAccessFile file = new RandomAccessFile(filler.toFile(), "rw")) {
        file.seek(size);
        byte[] block = new byte[1 << 20];
        for (long written = 0; written < grow; written += block.length) {
          file.write(block, 0, (int) Math.min(block.length, grow - written));
        }
      }
    }
  }

  /** Deletes the file: the disk has its space back. */
  void free() throws IOException {
    Files.deleteIfExists(filler);
  }

  @Override
  public void close() throws IOException, InterruptedException {
    new ProcessBuilder("umount", "-l", mountPoint.toString()).inheritIO().start().waitFor();
  }
}
