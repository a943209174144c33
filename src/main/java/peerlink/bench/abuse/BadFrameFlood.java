package peerlink.bench.abuse;

/**
 * A logged-in client that writes malformed frames as fast as it can and never reads: each costs the node
 * an error answer that piles up unsent until the node stops reading the connection (max-unsent).
 */
public final class BadFrameFlood extends Abuser {
  private static final String[] BAD = {
    "{\"type\":\"send\",\"id\":\"x\",\"to\":\"nobody\"", "{\"type\":\"nope\",\"id\":\"x\"}", "not json at all",
    "{\"type\":\"send\",\"id\":\"x\",\"to\":[1,2],\"body\":\"\\ud800\"}", "{\"type\":\"ack\",\"upTo\":99999999999999999999}"
  };
  private final String prefix;
  private int n;
  private volatile AbuseSocket current;

  public BadFrameFlood(Target target, String prefix) {
    super("bad-frames", target);
    this.prefix = prefix;
  }

  @Override
  protected void round() throws Exception {
    try (AbuseSocket socket = AbuseSocket.open(target)) {
      current = socket;
      count("connections");
      Registration.register(socket, prefix + (n++));
      for (int i = 0; !stopped(); i++) {
        socket.sendText(BAD[i % BAD.length]); // blocks once the node stops reading: that is the point
        count("frames");
      }
    }
  }

  @Override
  protected void unblock() {
    AbuseSocket socket = current;
    if (socket != null) {
      socket.close();
    }
  }
}
