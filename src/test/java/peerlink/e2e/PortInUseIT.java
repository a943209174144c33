package peerlink.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import peerlink.testing.FreePorts;

/**
 * A node whose port another process holds does not start: {@code bin/peerlink} exits with 2 ("could not
 * start") and one line that names the address and the option to change, not a stack trace or a silent 0.
 */
class PortInUseIT {
  @TempDir Path work;

  @Test
  void aServerWhoseClientPortIsTakenSaysSoAndExitsWith2() throws Exception {
    int clusterPort = FreePorts.next();
    try (ServerSocket other = listen(FreePorts.next())) {
      int port = other.getLocalPort();
      Exit exit = run("server", "--port", String.valueOf(port), "--cluster-port", String.valueOf(clusterPort),
          "--ops-port", String.valueOf(FreePorts.next()), "--seeds", "127.0.0.1:" + clusterPort, "--data", work.resolve("data").toString());

      assertEquals(2, exit.code, exit.output);
      assertEquals(
          "peerlink server: cannot listen on 127.0.0.1:" + port + " for clients: the address is in use "
              + "(another process listens there; choose another port with --port)",
          exit.stderr.strip());
    }
  }

  @Test
  void aServerWhoseOperationsPortIsTakenSaysSoAndExitsWith2() throws Exception {
    int clusterPort = FreePorts.next();
    try (ServerSocket other = listen(FreePorts.next())) {
      int opsPort = other.getLocalPort();
      Exit exit = run("server", "--port", String.valueOf(FreePorts.next()), "--cluster-port", String.valueOf(clusterPort),
          "--ops-port", String.valueOf(opsPort), "--seeds", "127.0.0.1:" + clusterPort, "--data", work.resolve("data").toString());

      assertEquals(2, exit.code, exit.output);
      assertEquals(
          "peerlink server: cannot listen on 127.0.0.1:" + opsPort + " for operations (/status, /health, /ready): the address is in use "
              + "(another process listens there; choose another port with --ops-port)",
          exit.stderr.strip());
    }
  }

  @Test
  void anRmWhoseClusterPortIsTakenSaysSoAndExitsWith2() throws Exception {
    try (ServerSocket other = listen(FreePorts.next())) {
      int clusterPort = other.getLocalPort();
      Exit exit = run("rm", "--quiet", "--cluster-port", String.valueOf(clusterPort), "--seeds", "127.0.0.1:" + clusterPort,
          "--data", work.resolve("rm").toString());

      assertEquals(2, exit.code, exit.output);
      assertEquals(
          "peerlink rm: cannot listen on 127.0.0.1:" + clusterPort + " for the cluster: the address is in use "
              + "(another process listens there; choose another port with --cluster-port)",
          exit.stderr.strip());
    }
  }

  private static ServerSocket listen(int port) throws IOException {
    ServerSocket socket = new ServerSocket();
    socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    return socket;
  }

  private record Exit(int code, String stderr, String output) {}

  private Exit run(String... args) throws Exception {
    Path out = work.resolve("stdout.log");
    Path err = work.resolve("stderr.log");
    ProcessBuilder builder = new ProcessBuilder(concat(Launcher.bin().toString(), args))
        .redirectOutput(out.toFile())
        .redirectError(err.toFile());
    Launcher.environment(builder);
    Process process = builder.start();
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        throw new AssertionError("still running after 60 s; its output:\n" + Files.readString(out));
      }
    } finally {
      process.destroyForcibly();
    }
    String stderr = Files.readString(err, StandardCharsets.UTF_8);
    return new Exit(process.exitValue(), stderr, Files.readString(out, StandardCharsets.UTF_8) + stderr);
  }

  private static List<String> concat(String first, String... rest) {
    List<String> all = new java.util.ArrayList<>(List.of(first));
    all.addAll(List.of(rest));
    return all;
  }
}
