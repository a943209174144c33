package peerlink.transport;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * A few threads that serve many sockets: Linux's epoll where Netty's native library loads, the JDK's
 * selector elsewhere. The router's gateway and the client library each own one.
 */
public final class EventLoops implements AutoCloseable {
  private final EventLoopGroup group;
  private final boolean epoll;

  /** {@code name} prefixes the threads' names (seen in thread dumps and profiles). */
  public EventLoops(String name, int threads) {
    this.epoll = Epoll.isAvailable();
    IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    this.group = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(name, true), io);
  }

  /** What serves the sockets, for logs: {@code epoll} or {@code nio}. */
  public String kind() {
    return epoll ? "epoll" : "nio";
  }

  public EventLoopGroup group() {
    return group;
  }

  public Class<? extends ServerChannel> serverChannel() {
    return epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
  }

  public Class<? extends SocketChannel> channel() {
    return epoll ? EpollSocketChannel.class : NioSocketChannel.class;
  }

  /** Closes every socket the threads still serve, without the default two-second quiet period. */
  @Override
  public void close() {
    group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
