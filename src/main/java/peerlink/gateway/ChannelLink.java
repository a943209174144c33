package peerlink.gateway;

import io.netty.channel.Channel;
import peerlink.session.ClientLink;
import peerlink.transport.WebSocketChannel;

/**
 * A session's connection: each text becomes one WebSocket text message. A client that stops reading is
 * found by {@link SessionBridge}, not here; the session's word on the login and on holding input goes to
 * the connection's {@link LoginDeadline} and {@link InputGate} (made before the upgrade that creates this).
 */
final class ChannelLink extends WebSocketChannel implements ClientLink {
  private final LoginDeadline deadline;
  private final InputGate gate;

  ChannelLink(Channel channel) {
    super(channel);
    this.deadline = channel.pipeline().get(LoginDeadline.class);
    this.gate = channel.pipeline().get(InputGate.class);
  }

  @Override
  public void authenticated() {
    if (deadline != null) {
      deadline.loggedIn();
    }
  }

  @Override
  public void loginPending(boolean pending) {
    if (deadline != null) {
      deadline.loginPending(pending);
    }
  }

  @Override
  public String remoteAddress() {
    return channel().remoteAddress() instanceof java.net.InetSocketAddress address && address.getAddress() != null
        ? address.getAddress().getHostAddress()
        : String.valueOf(channel().remoteAddress());
  }

  @Override
  public void taken() {
    if (gate != null) {
      gate.consumed();
    }
  }

  @Override
  public void holdInput(boolean hold) {
    if (gate != null) {
      gate.sessionHolds(hold);
    }
  }
}
