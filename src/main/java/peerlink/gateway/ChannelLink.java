package peerlink.gateway;

import io.netty.channel.Channel;
import peerlink.session.ClientLink;
import peerlink.transport.WebSocketChannel;

/**
 * A session's connection: each text becomes one WebSocket text message. A client that stops reading is
 * found by {@link SessionBridge}, not here.
 */
final class ChannelLink extends WebSocketChannel implements ClientLink {
  ChannelLink(Channel channel) {
    super(channel);
  }
}
