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

/** {@code peerlink status}: what the replication manager sees, asked through any router node. */
@Command(name = "status", mixinStandardHelpOptions = true, description = "Show the cluster: primary, epoch, backups in sync and their lag, failures and promotions.")
public final class StatusCommand implements Callable<Integer> {
  /** The demo's two router nodes: after a failover the first may be gone, so both are asked by default. */
  @Option(names = "--server", split = ",", defaultValue = "localhost:8008,localhost:8009", description = "Router nodes to ask, in order, until one answers: host:port[,...] (default: ${DEFAULT-VALUE}).")
  List<String> servers;

  @Spec CommandSpec spec;

  @Option(names = "--json", description = "Print the status as JSON.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    try {
      servers.forEach(ServerAddress::requireValid);
    } catch (IllegalArgumentException e) {
      spec.commandLine().getErr().println("peerlink status: --server: " + e.getMessage());
      return 2;
    }
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    List<String> failures = new ArrayList<>();
    for (String server : servers) {
      try {
        HttpResponse<String> response = http.send(
            HttpRequest.newBuilder(URI.create("http://" + server + "/status")).timeout(Duration.ofSeconds(5)).build(),
            HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
          failures.add(server + " answered HTTP " + response.statusCode());
          continue;
        }
        print(server, FrameCodec.mapper().readTree(response.body()));
        return 0;
      } catch (IOException e) {
        failures.add(server + ": " + why(e));
      }
    }
    spec.commandLine().getErr().println("peerlink status: no router node answered: " + String.join("; ", failures));
    return 1;
  }

  /** The JDK's connection errors often carry no message at all; say what happened in words. */
  private static String why(IOException e) {
    if (e instanceof ConnectException && e.getMessage() == null) {
      return "connection refused (no router node listens there)";
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
