package peerlink.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One {@code bin/peerlink server} or {@code rm} process started by the benchmark, its output in a log file.
 * Stopped by its PID only: SIGTERM with a grace period, then SIGKILL.
 */
final class NodeProcess {
  private final String name;
  private final List<String> command;
  private final Path log;
  private final Map<String, String> environment;
  private Process process;

  NodeProcess(String name, List<String> arguments, Path log, Map<String, String> environment) {
    this.name = name;
    this.command = new ArrayList<>();
    this.command.add(ProjectHome.launcher().toString());
    this.command.addAll(arguments);
    this.log = log;
    this.environment = environment;
  }

  NodeProcess start() {
    ProcessBuilder builder = new ProcessBuilder(command)
        .directory(ProjectHome.find().toFile())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    Map<String, String> env = builder.environment();
    // The bench's own heap and JVM flags are not meant for the nodes.
    env.remove("PEERLINK_HEAP");
    env.remove("JAVA_OPTS");
    env.put("PEERLINK_NO_BUILD", "1");
    env.putAll(environment);
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name + ": " + command, e);
    }
    NodeReaper.track(this);
    return this;
  }

  String name() {
    return name;
  }

  Path log() {
    return log;
  }

  long pid() {
    return process.pid();
  }

  boolean alive() {
    return process != null && process.isAlive();
  }

  String exitDescription() {
    return process.isAlive() ? "running" : "exited with " + process.exitValue();
  }

  /** SIGKILL, like a crash: no shutdown hook runs in the node. Returns when the process is gone. */
  void kill() {
    if (process == null) {
      return;
    }
    process.destroyForcibly();
    try {
      process.waitFor(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    NodeReaper.forget(this);
  }

  /** Asks the node to stop (SIGTERM); see {@link #awaitStopped}. */
  void requestStop() {
    if (process != null && process.isAlive()) {
      process.destroy();
    }
  }

  /** Waits up to {@code graceMillis} for the stop asked for, then SIGKILLs. */
  void awaitStopped(long graceMillis) {
    if (process == null) {
      return;
    }
    try {
      if (!process.waitFor(Math.max(0, graceMillis), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    NodeReaper.forget(this);
  }

  @Override
  public String toString() {
    return name + " (pid " + (process == null ? "-" : process.pid()) + ", log " + log + ")";
  }
}
