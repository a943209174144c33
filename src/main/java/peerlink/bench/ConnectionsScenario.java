package peerlink.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code connections}: opens idle, authenticated clients to one router node in steps of
 * {@code --connection-step} up to {@code --max-connections}, and after each step reads the node's resident
 * memory (VmRSS). Rows: {@code offeredRate} = clients opened so far, {@code deliveredRate} = clients
 * connected and authenticated, latencies = connect + register time of the step's clients.
 */
final class ConnectionsScenario implements Scenario {
  private static final double MIB = 1024.0;

  @Override
  public List<ResultRow> run(BenchContext ctx) {
    BenchOptions o = ctx.options;
    String kind = o.deploymentOr(Deployment.SINGLE);
    Deployment deployment = ctx.deploy(kind);
    NodeProcess node = deployment.primary();
    Sleep.millis(2000);
    long baselineKib = ProcessMemory.rssKib(node.pid());
    ctx.progress.line(String.format("router node %s: %.0f MiB resident before any client", node.name(), baselineKib / MIB));
    Steps steps = new Steps();
    DeliveryLedger ledger = new DeliveryLedger(0);
    DeliveryListener.Connections connections = new DeliveryListener.Connections();
    List<Peers.Peer> peers = new ArrayList<>();
    List<ResultRow> rows = new ArrayList<>();
    int opened = 0;
    while (opened < o.maxConnections()) {
      int count = Math.min(o.connectionStep(), o.maxConnections() - opened);
      Peers.Registration registration =
          Peers.connect(ctx, deployment.servers(), "idle-", opened, count, i -> new DeliveryListener(i, steps, ledger, false, connections), 200, Math.max(120, count * 0.1));
      opened += count;
      peers.addAll(registration.peers());
      Sleep.millis(2000); // let the node settle before reading its memory
      int held = connections.connected.get();
      long rssKib = ProcessMemory.rssKib(node.pid());
      double rssMib = rssKib / MIB;
      boolean alive = node.alive();
      boolean pass = alive && held == opened && registration.failed() == 0 && rssMib < 1024;
      Runtime bench = Runtime.getRuntime();
      ResultRow row = new ResultRow("connections", kind, opened + " clients")
          .rates(opened, held)
          .latencies(registration.latency())
          .losses(0, 0)
          .pass(pass)
          .put("unit", "clients")
          .put("connections", held)
          .put("rssMiB", rssMib)
          .put("rssPerThousandMiB", held > 0 ? rssMib / (held / 1000.0) : 0.0)
          .put("addedPerThousandMiB", held > 0 ? (rssKib - baselineKib) / MIB / (held / 1000.0) : 0.0)
          .put("baselineRssMiB", baselineKib / MIB)
          .put("failed", registration.failed())
          .put("benchHeapMiB", (bench.totalMemory() - bench.freeMemory()) / MIB / MIB);
      if (!registration.errors().isEmpty()) {
        row.put("why", registration.errors().get(0));
      } else if (!alive) {
        row.put("why", "router node " + node.exitDescription() + "; see " + node.log());
      }
      rows.add(row);
      ctx.progress.line(String.format("%d clients opened, %d connected; router node RSS %.0f MiB (%.1f MiB per 1,000 clients)",
          opened, held, rssMib, held > 0 ? rssMib / (held / 1000.0) : 0));
      if (!pass) {
        break;
      }
    }
    Peers.closeAll(peers, 30);
    ctx.release(deployment);
    return rows;
  }
}
