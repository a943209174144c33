package peerlink.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import peerlink.client.ServerAddress;
import peerlink.node.StatusTable;
import peerlink.protocol.FrameCodec;
import peerlink.replication.RmStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code peerlink status}: what the replication manager sees, asked through any router node's operations
 * port (plain HTTP, loopback by default; {@code /status} is not served on the clients' port).
 */
@Command(name = "status", mixinStandardHelpOptions = true, description = "Show the cluster: primary, epoch, backups in sync and their lag, failures and promotions.")
public final class StatusCommand implements Callable<Integer> {
  /** A node's default operations port is its WebSocket port plus this (peerlink.ops.port = 0). */
  static final int OPS_PORT_OFFSET = 2000;

  /** The demo's two router nodes: after a failover the first may be gone, so both are asked by default. */
  @Option(names = "--server", split = ",", defaultValue = "localhost:8008,localhost:8009", description = "Router nodes to ask, in order, until one "
      + "answers: host:port[,...] of their WebSocket ports; each is asked on its operations port, port + 2000 (default: ${DEFAULT-VALUE}).")
  List<String> servers;

  @Option(names = "--ops", split = ",", description = "Operations ports to ask instead, host:port[,...]: for nodes whose --ops-port or "
      + "peerlink.ops.port is not WebSocket port + 2000. A token (peerlink.ops.token) is sent from PEERLINK_OPS_TOKEN.")
  List<String> ops;

  @Spec CommandSpec spec;

  @Option(names = "--json", description = "Print the status as JSON.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    List<Target> targets;
    try {
      targets = targets();
    } catch (IllegalArgumentException e) {
      spec.commandLine().getErr().println("peerlink status: " + e.getMessage());
      return 2;
    }
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    String token = System.getenv("PEERLINK_OPS_TOKEN");
    List<String> failures = new ArrayList<>();
    for (Target target : targets) {
      try {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + target.ops() + "/status")).timeout(Duration.ofSeconds(5));
        if (token != null && !token.isEmpty()) {
          request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 401) {
          failures.add(target + " needs the operations token: set PEERLINK_OPS_TOKEN to the node's peerlink.ops.token");
          continue;
        }
        if (response.statusCode() != 200) {
          failures.add(target + " answered HTTP " + response.statusCode());
          continue;
        }
        print(target.ops(), FrameCodec.mapper().readTree(response.body()));
        return 0;
      } catch (IOException e) {
        failures.add(target + ": " + why(e));
      }
    }
    spec.commandLine().getErr().println("peerlink status: no router node answered: " + String.join("; ", failures));
    return 1;
  }

  /** The operations ports to ask, in order: those of --ops, or port + 2000 of each --server. */
  private List<Target> targets() {
    if (ops != null && !ops.isEmpty()) {
      ops.forEach(o -> requireValid("--ops", o));
      return ops.stream().map(o -> new Target(o, null)).toList();
    }
    servers.forEach(s -> requireValid("--server", s));
    List<Target> targets = new ArrayList<>();
    for (String server : servers) {
      ServerAddress address = ServerAddress.parse(server); // wss://host:port as the console takes it, too
      int port = address.port() + OPS_PORT_OFFSET;
      if (port > 65535) {
        throw new IllegalArgumentException("--server: " + server + " has no default operations port (" + address.port() + " + " + OPS_PORT_OFFSET
            + " is past 65535): give its operations port with --ops host:port");
      }
      targets.add(new Target(address.host() + ":" + port, server));
    }
    return targets;
  }

  private static void requireValid(String option, String address) {
    try {
      ServerAddress.requireValid(address);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(option + ": " + e.getMessage());
    }
  }

  /** An operations port to ask, and the WebSocket address it was derived from (null when given with --ops). */
  private record Target(String ops, String server) {
    @Override
    public String toString() {
      return server == null ? ops : ops + " (operations port of " + server + ")";
    }
  }

  /** The JDK's connection errors often carry no message at all; say what happened in words. */
  private static String why(IOException e) {
    if (e instanceof ConnectException && e.getMessage() == null) {
      return "connection refused (no router node's operations port listens there)";
    }
    if (e instanceof HttpTimeoutException) {
      return "no answer in time";
    }
    return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
  }

  private void print(String server, JsonNode status) throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(status.toString());
      out.flush();
      return;
    }
    out.println("asked " + server + " (" + status.path("node").asText() + ", " + status.path("clients").asInt() + " clients connected, store at epoch "
        + status.path("store").path("epoch").asLong() + " write " + status.path("store").path("writeId").asLong() + ")");
    if (status.path("store").path("spaceLow").asBoolean()) {
      out.println("STORAGE LOW on this node: " + status.path("store").path("space").asText()
          + "; it refuses new messages, registrations and group changes (STORAGE_FULL) until space is freed");
    }
    if (!status.has("rm")) {
      out.println(status.path("rmError").asText());
      out.flush();
      return;
    }
    RmStatus rm = FrameCodec.mapper().treeToValue(status.get("rm"), RmStatus.class);
    out.print(StatusTable.render(rm));
    out.println("history:");
    rm.history().forEach(h -> out.println("  " + StatusTable.historyLine(h)));
    out.flush();
  }
}
