package peerlink.e2e;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import peerlink.testing.FreePorts;
import peerlink.testing.Http;
import peerlink.testing.Poll;

/** A {@code bin/peerlink server} process on a free port; restartable on the same port and data directory. */
final class ServerProcess implements AutoCloseable {
  private final Path dataDir;
  private final Path log;
  private final int port = FreePorts.next();
  private final int clusterPort = FreePorts.next();
  private final int opsPort = FreePorts.next();
  private Process process;
  /** The config file bin/peerlink reads (PEERLINK_CONF); null: the installation's conf/peerlink.conf. */
  private Path config;
  /** JVM options for the node (bin/peerlink passes JAVA_OPTS on; a -D setting overrides the config file). */
  private String javaOptions;

  ServerProcess(Path workDir, String name) {
    this.dataDir = workDir.resolve(name + "-data");
    this.log = workDir.resolve(name + ".log");
  }

  /** This server reads {@code file} as its config, as an operator's {@code PEERLINK_CONF=file bin/peerlink server} does. */
  ServerProcess withConfig(Path file) {
    this.config = file;
    return this;
  }

  /** This server's JVM gets {@code options}, e.g. {@code -Dpeerlink.gateway.loopback-web-port=N}. */
  ServerProcess withJavaOptions(String options) {
    this.javaOptions = options;
    return this;
  }

  ServerProcess start() throws IOException {
    ProcessBuilder builder =
        new ProcessBuilder(
                Launcher.bin().toString(), "server",
                "--port", String.valueOf(port),
                "--cluster-port", String.valueOf(clusterPort),
                "--ops-port", String.valueOf(opsPort),
                "--seeds", "127.0.0.1:" + clusterPort,
                "--data", dataDir.toString())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    Launcher.environment(builder);
    if (config != null) {
      builder.environment().put("PEERLINK_CONF", config.toString());
    }
    if (javaOptions != null) {
      builder.environment().merge("JAVA_OPTS", javaOptions, (a, b) -> a + " " + b);
    }
    process = builder.start();
    Poll.until(Duration.ofSeconds(90), () -> Http.answers(opsPort) || !process.isAlive(), "server's operations port " + opsPort + " (log " + log + ")");
    if (!process.isAlive()) {
      throw new AssertionError("server exited with " + process.exitValue() + "; see " + log);
    }
    return this;
  }

  /** SIGKILL: no shutdown hook, no flush, exactly like a crash. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  String address() {
    return "127.0.0.1:" + port;
  }

  int port() {
    return port;
  }

  long pid() {
    return process.pid();
  }

  Path log() {
    return log;
  }

  @Override
  public void close() throws InterruptedException {
    if (process != null && process.isAlive()) {
      kill();
    }
  }

  static List<String> addresses(ServerProcess... servers) {
    return java.util.Arrays.stream(servers).map(ServerProcess::address).toList();
  }

  static File logFile(ServerProcess server) {
    return server.log.toFile();
  }
}
