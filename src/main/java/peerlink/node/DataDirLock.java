package peerlink.node;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Holds {@code node.lock} in a node's data directory for the life of the process, so a second node started
 * on the same directory stops at once with a clear message instead of fighting over the store.
 */
public final class DataDirLock {
  private final FileChannel channel;
  private final FileLock lock;

  private DataDirLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  public static DataDirLock acquire(Path dataDir) throws IOException {
    Files.createDirectories(dataDir);
    Path file = dataDir.resolve("node.lock");
    FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    FileLock lock = channel.tryLock();
    if (lock == null) {
      String holder = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).trim();
      channel.close();
      throw new IOException(
          "Data directory " + dataDir + " is in use by another PeerLink process" + (holder.isEmpty() ? "" : " (pid " + holder + ")")
              + "; give each node its own --data directory.");
    }
    channel.truncate(0);
    channel.write(java.nio.ByteBuffer.wrap(String.valueOf(ProcessHandle.current().pid()).getBytes(StandardCharsets.UTF_8)));
    channel.force(true);
    return new DataDirLock(channel, lock);
  }

  public void release() throws IOException {
    lock.release();
    channel.close();
  }
}
