package peerlink.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import peerlink.node.StatusTable;
import peerlink.protocol.FrameCodec;
import peerlink.replication.RmStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code peerlink status}: what the replication manager sees, asked through any router node. */
@Command(name = "status", mixinStandardHelpOptions = true, description = "Show the cluster: primary, epoch, backups in sync and their lag, failures and promotions.")
public final class StatusCommand implements Callable<Integer> {
  @Option(names = "--server", split = ",", defaultValue = "localhost:8008", description = "Router nodes to ask, host:port[,...] (default: ${DEFAULT-VALUE}).")
  List<String> servers;

  @Option(names = "--json", description = "Print the status as JSON.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    String lastError = "no server given";
    for (String server : servers) {
      try {
        HttpResponse<String> response = http.send(
            HttpRequest.newBuilder(URI.create("http://" + server + "/status")).timeout(Duration.ofSeconds(5)).build(),
            HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
          lastError = server + " answered HTTP " + response.statusCode();
          continue;
        }
        print(server, FrameCodec.mapper().readTree(response.body()));
        return 0;
      } catch (java.io.IOException e) {
        lastError = server + ": " + e.getMessage();
      }
    }
    System.err.println("peerlink status: no router node answered (" + lastError + ")");
    return 1;
  }

  private void print(String server, JsonNode status) throws Exception {
    if (json) {
      System.out.println(status.toString());
      return;
    }
    System.out.println("asked " + server + " (" + status.path("node").asText() + ", " + status.path("clients").asInt() + " clients connected, store at epoch "
        + status.path("store").path("epoch").asLong() + " write " + status.path("store").path("writeId").asLong() + ")");
    if (!status.has("rm")) {
      System.out.println(status.path("rmError").asText());
      return;
    }
    RmStatus rm = FrameCodec.mapper().treeToValue(status.get("rm"), RmStatus.class);
    System.out.print(StatusTable.render(rm));
    System.out.println("history:");
    rm.history().forEach(h -> System.out.println("  " + StatusTable.historyLine(h)));
  }
}
