package peerlink.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code peerlink demo}: a first look at a fault-tolerant deployment on one machine. Starts the seed's
 * three processes (primary on 8008, backup on 8009, rm) with the default config, shows the rm's live
 * view, and stops them all on Ctrl-C.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, description = "Start a primary (8008), a backup (8009) and the rm on this machine, with the rm's live view.")
public final class DemoCommand implements Callable<Integer> {
  @Option(names = "--data", defaultValue = "data/demo", description = "Where the three nodes keep their data and logs (default: ${DEFAULT-VALUE}).")
  Path data;

  @Override
  public Integer call() throws Exception {
    Path bin = Path.of(System.getProperty("peerlink.home", ".")).resolve("bin/peerlink");
    Files.createDirectories(data);
    List<Process> processes = new ArrayList<>();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> processes.forEach(Process::destroy)));
    processes.add(start(bin, "primary", WEB_PRIMARY, List.of("server", "--port", "8008", "--data", data.resolve("8008").toString())));
    processes.add(start(bin, "backup", WEB_BACKUP, List.of("server", "--port", "8009", "--backup", "--data", data.resolve("8009").toString())));
    Process rm = new ProcessBuilder(List.of(bin.toString(), "rm", "--data", data.resolve("rm").toString()))
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.INHERIT)
        .start();
    processes.add(rm);
    System.out.printf("Starting the primary (8008), the backup (8009) and the rm; node logs in %s (a first start also makes the TLS keys).%n",
        data.toAbsolutePath());
    String notReady = DemoReadiness.await(
        List.of(
            new DemoReadiness.Node("primary", processes.get(0), 10008, data.resolve("primary.log").toAbsolutePath()),
            new DemoReadiness.Node("backup", processes.get(1), 10009, data.resolve("backup.log").toAbsolutePath())),
        READY_WITHIN, System.out);
    if (notReady != null && !(processes.get(0).isAlive() && processes.get(1).isAlive())) {
      System.err.println("peerlink demo: " + notReady + ". Stopping the others.");
      return 1;
    }
    if (notReady != null) {
      System.err.println("peerlink demo: " + notReady + "; the addresses below work once it is.");
    }
    System.out.printf(
        "PeerLink demo, ready: primary wss://127.0.0.1:8008/ws, backup wss://127.0.0.1:8009/ws (TLS with the deployment CA in conf/tls,%n"
            + "which the console trusts), rm below.%n"
            + "Operations (this machine only): http://127.0.0.1:10008/status, /health, /ready (primary), http://127.0.0.1:10009/... (backup).%n"
            + "Node logs: %s. In other terminals:%n"
            + "  bin/peerlink client --id alice --server localhost:8008,localhost:8009%n"
            + "  bin/peerlink client --id bob --server localhost:8009,localhost:8008%n"
            + "  bin/peerlink status          (asks the operations ports 10008, 10009)%n"
            + "Web client (this machine's browser; plain text on the loopback address only, README \"The web client\"):%n"
            + "  http://127.0.0.1:%d/?servers=ws://127.0.0.1:%d,ws://127.0.0.1:%d%n"
            + "Kill the primary (kill -9 %d) and watch the backup take over. Ctrl-C stops everything.%n%n",
        data.toAbsolutePath(), WEB_PRIMARY, WEB_PRIMARY, WEB_BACKUP, processes.get(0).pid());
    rm.waitFor();
    return 0;
  }

  /** A JVM start, the first start's keys and the cluster's formation take seconds; a minute more means trouble. */
  static final java.time.Duration READY_WITHIN = java.time.Duration.ofSeconds(90);

  /** The nodes' web client ports on 127.0.0.1 (peerlink.gateway.loopback-web-port). */
  static final int WEB_PRIMARY = 8010;
  static final int WEB_BACKUP = 8011;

  private Process start(Path bin, String name, int webPort, List<String> args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(bin.toString());
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(data.resolve(name + ".log").toFile()));
    // bin/peerlink passes JAVA_OPTS to the JVM, where a system property overrides the config file.
    builder.environment().merge("JAVA_OPTS", "-Dpeerlink.gateway.loopback-web-port=" + webPort, (a, b) -> a + " " + b);
    return builder.start();
  }
}
