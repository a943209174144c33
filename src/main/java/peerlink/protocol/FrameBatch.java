package peerlink.protocol;

import java.util.function.Consumer;

/**
 * Frames waiting to go out on one connection, joined into as few WebSocket messages as fit a byte budget
 * (protocol version 2, section 1 of docs/protocol.md): one line feed between frames. A message costs both
 * ends far more than the JSON in it, so a hundred pushes in one message are much cheaper than a hundred
 * messages.
 */
public final class FrameBatch {
  /** Largest batch either side of PeerLink writes; a frame bigger than this still goes out, alone. */
  public static final int DEFAULT_MAX_CHARS = 64 * 1024;

  private final int maxChars;
  private final StringBuilder text = new StringBuilder();
  private int frames;
  private boolean flushRequested;

  public FrameBatch(int maxChars) {
    this.maxChars = maxChars;
  }

  /**
   * Adds an encoded frame. Returns the batch that was waiting if this frame does not fit behind it (send
   * that first, then keep adding), else null.
   */
  public String add(String json) {
    String full = null;
    if (frames > 0 && text.length() + 1 + json.length() > maxChars) {
      full = take();
    }
    if (frames > 0) {
      text.append('\n');
    }
    text.append(json);
    frames++;
    return full;
  }

  public boolean isEmpty() {
    return frames == 0;
  }

  /** The waiting frames as one message, or null if there are none; empties the batch. */
  public String take() {
    if (frames == 0) {
      return null;
    }
    String message = text.toString();
    text.setLength(0);
    frames = 0;
    return message;
  }

  /**
   * For an actor writing to its connection: sends a full batch at once, and asks for one flush per burst
   * ({@code requestFlush} sends the actor a message to itself, so it comes after what is already queued).
   */
  public void write(String json, Consumer<String> send, Runnable requestFlush) {
    String full = add(json);
    if (full != null) {
      send.accept(full);
    }
    if (!flushRequested) {
      flushRequested = true;
      requestFlush.run();
    }
  }

  /** The requested flush: sends what is waiting, if anything. */
  public void flush(Consumer<String> send) {
    flushRequested = false;
    String message = take();
    if (message != null) {
      send.accept(message);
    }
  }
}
