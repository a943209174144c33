package peerlink.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The port the other members' crash detectors connect to: it accepts and closes, and lives exactly as long
 * as this node's actor system, so a refusal there says the process is gone, like a refusal on the cluster
 * port. Probing the cluster port itself cost every probed node an Artery inbound stream (with TLS, an
 * {@code SSLEngine}) ten times a second per member, about a fifth of all CPU at 4,000 deliveries/s
 * (docs/performance.md). Its port travels to the other members as a cluster role,
 * {@code crash-probe-<port>}.
 */
final class CrashProbeTarget implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CrashProbeTarget.class);
  static final String ROLE_PREFIX = "crash-probe-";

  private final ServerSocketChannel server;
  private final Thread acceptor;

  private CrashProbeTarget(ServerSocketChannel server) {
    this.server = server;
    this.acceptor = new Thread(this::acceptAndClose, "peerlink-crash-probe-target");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /**
   * Listens on {@code host:port} ({@code port} 0: any free port). Null, logged, when it cannot: the other
   * members then probe this node's cluster port, as before the target existed.
   */
  static CrashProbeTarget openOrNull(String host, int port) {
    try {
      ServerSocketChannel server = ServerSocketChannel.open();
      try {
        server.bind(new InetSocketAddress(host, port), 64);
      } catch (IOException e) {
        server.close();
        throw e;
      }
      return new CrashProbeTarget(server);
    } catch (IOException e) {
      log.warn("Cannot listen on {}:{} for the other members' crash detectors ({}); they will probe this node's cluster port instead "
          + "(peerlink.cluster.crash-probe-port)", host, port, e.getMessage());
      return null;
    }
  }

  /**
   * Opens this node's crash-probe port (peerlink.cluster.crash-probe-port in {@code config}), then the actor
   * system with {@code create}, announcing the port in its roles; the port closes with the system.
   */
  static ActorSystem<Void> withProbePort(String host, Config config, Function<Config, ActorSystem<Void>> create) {
    CrashProbeTarget target = openOrNull(host, config.getInt("peerlink.cluster.crash-probe-port"));
    if (target == null) {
      return create.apply(config);
    }
    ActorSystem<Void> system;
    try {
      system = create.apply(target.announcedIn(config));
    } catch (RuntimeException e) {
      target.close();
      throw e;
    }
    system.getWhenTerminated().thenRun(target::close);
    return system;
  }

  int port() {
    return ((InetSocketAddress) server.socket().getLocalSocketAddress()).getPort();
  }

  /** {@code config} with this target's role added to the node's cluster roles. */
  Config announcedIn(Config config) {
    List<String> roles = new ArrayList<>(config.getStringList("pekko.cluster.roles"));
    roles.add(ROLE_PREFIX + port());
    return config.withValue("pekko.cluster.roles", ConfigValueFactory.fromIterable(roles));
  }

  /** The crash-probe port a member announced among its roles, if any. */
  static OptionalInt portOf(Set<String> roles) {
    for (String role : roles) {
      if (role.startsWith(ROLE_PREFIX)) {
        try {
          int port = Integer.parseInt(role.substring(ROLE_PREFIX.length()));
          if (port > 0 && port < 65536) {
            return OptionalInt.of(port);
          }
        } catch (NumberFormatException e) {
          // not ours: a role that only looks like it
        }
      }
    }
    return OptionalInt.empty();
  }

  /** True for roles that only carry this port, left out where roles are shown. */
  static boolean isProbeRole(String role) {
    return role.startsWith(ROLE_PREFIX);
  }

  private void acceptAndClose() {
    while (true) {
      try (SocketChannel accepted = server.accept()) {
        // Nothing is read or written: the connect having succeeded is the whole answer.
      } catch (ClosedChannelException e) {
        return;
      } catch (IOException e) {
        // Out of file descriptors, say. The listening socket stays open, so probes still get through the
        // kernel's handshake and are never refused while this process lives.
        try {
          Thread.sleep(10);
        } catch (InterruptedException interrupted) {
          return;
        }
      }
    }
  }

  /**
   * Closes the port and returns once it refuses connections. A channel closed while a thread is blocked in its
   * {@code accept} releases the socket only when that thread has left it, so for a moment after
   * {@code server.close()} the kernel still completed connections there (a test saw it); waiting for the
   * acceptor makes "closed" mean refused.
   */
  @Override
  public void close() {
    try {
      server.close();
      acceptor.join(1_000);
    } catch (IOException e) {
      log.debug("Closing the crash-probe port: {}", e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
