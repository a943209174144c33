package peerlink.bench.abuse;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Opens connections (TLS handshake and WebSocket upgrade) as fast as it can and never logs in, holding up to
 * {@code hold} of them (the oldest closed first): the login deadline and the connection limits must cope.
 */
public final class ConnectionFlood extends Abuser {
  private final int hold;
  private final Deque<AbuseSocket> open = new ArrayDeque<>();

  public ConnectionFlood(Target target, int hold) {
    super("connection-flood", target);
    this.hold = hold;
  }

  @Override
  protected void round() throws Exception {
    AbuseSocket socket = AbuseSocket.open(target);
    count("opened");
    open.addLast(socket);
    if (open.size() > hold) {
      open.removeFirst().close();
    }
  }

  @Override
  protected void release() {
    open.forEach(AbuseSocket::close);
    open.clear();
  }
}
