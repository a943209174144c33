package peerlink.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * TCP ports that are free on this machine, for the nodes a bench or a test starts.
 *
 * <p>A port is found free some time before its node binds it. A port the OS hands out for
 * {@code bind(0)} comes from the ephemeral range, and so does the local port of every outgoing connection
 * on the machine: the cluster's, the clients', a build's. One of those could take the port first, and the
 * node would fail with "address already in use". So on Linux ports are drawn at random below the
 * ephemeral range ({@code /proc/sys/net/ipv4/ip_local_port_range}), where the OS never assigns one by
 * itself, and checked by binding them. Elsewhere the OS's choice is taken. No port is handed out twice in
 * one JVM.
 */
public final class FreePort {
  /** The lowest port drawn: below it sit the usual fixed service ports (8080, 9000, PeerLink's 8008...). */
  static final int LOWEST = 10_000;

  private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
  private static final Set<Integer> handedOut = new HashSet<>();

  private FreePort() {}

  public static synchronized int next() {
    Optional<Integer> below = ephemeralRangeStart().filter(start -> start > LOWEST + 1_000);
    for (int attempt = 0; attempt < 200; attempt++) {
      int port = below.isPresent() ? ThreadLocalRandom.current().nextInt(LOWEST, below.get()) : osChoice();
      if (!handedOut.contains(port) && bindable(port)) {
        handedOut.add(port);
        return port;
      }
    }
    throw new IllegalStateException("found no free TCP port in 200 tries" + below.map(start -> " between " + LOWEST + " and " + start).orElse(""));
  }

  /** The first port of the OS's ephemeral range, where it can be read. */
  static Optional<Integer> ephemeralRangeStart() {
    try {
      // Not Files.readString: on JDK 17 it reads a /proc file as its first byte ("3").
      String[] range = Files.readAllLines(EPHEMERAL_RANGE).get(0).trim().split("\\s+");
      return Optional.of(Integer.parseInt(range[0]));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private static boolean bindable(int port) {
    // Bound on the wildcard address, with SO_REUSEADDR as the nodes bind: it fails whenever a node's bind would.
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static int osChoice() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port", e);
    }
  }
}
