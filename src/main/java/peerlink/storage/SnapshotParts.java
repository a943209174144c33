package peerlink.storage;

import java.io.OutputStream;
import java.util.Arrays;

/**
 * A stream that cuts what is written to it into parts of a fixed size and hands each one on as soon as
 * it is full and more follows; {@link #finish} hands on the rest, which may be a full part, as the last.
 * So a snapshot written through it is never held whole: at most one part is, and the young collector
 * never has to copy a checkpoint that is being serialized (a 50 MB one made every young pause during
 * it 20-40 ms longer).
 */
public final class SnapshotParts extends OutputStream {
  /** Where the parts go: every full part but the last, by index from 0, then the rest. */
  public interface Sink {
    void part(int index, byte[] bytes);

    /** @param afterParts whether {@link #part} was called before */
    void last(byte[] rest, boolean afterParts);
  }

  private final int partBytes;
  private final Sink sink;
  private byte[] buffer;
  private int filled;
  private int parts;
  private long total;
  private boolean finished;

  public SnapshotParts(int partBytes, Sink sink) {
    if (partBytes <= 0) {
      throw new IllegalArgumentException("partBytes must be positive: " + partBytes);
    }
    this.partBytes = partBytes;
    this.sink = sink;
    this.buffer = new byte[partBytes];
  }

  @Override
  public void write(int b) {
    handOnIfFull();
    buffer[filled++] = (byte) b;
    total++;
  }

  @Override
  public void write(byte[] bytes, int offset, int length) {
    while (length > 0) {
      handOnIfFull();
      int n = Math.min(length, partBytes - filled);
      System.arraycopy(bytes, offset, buffer, filled, n);
      filled += n;
      offset += n;
      length -= n;
      total += n;
    }
  }

  /** Called when more bytes are about to come: a full buffer is then a part, not the last. */
  private void handOnIfFull() {
    if (finished) {
      throw new IllegalStateException("the snapshot was already finished");
    }
    if (filled == partBytes) {
      sink.part(parts++, buffer);
      buffer = new byte[partBytes];
      filled = 0;
    }
  }

  /** Hands on the rest as the last part and returns the number of bytes written in all. */
  public long finish() {
    if (!finished) {
      finished = true;
      sink.last(Arrays.copyOf(buffer, filled), parts > 0);
      buffer = null;
    }
    return total;
  }

  /** How many parts were handed on before the last. */
  public int parts() {
    return parts;
  }
}
