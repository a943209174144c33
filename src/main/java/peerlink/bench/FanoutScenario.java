package peerlink.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import peerlink.client.ClientListener;

/**
 * {@code fanout}: one sender posts to a group of {@code --members} peers, each on its own connection.
 * Rates are deliveries per second (send rate × members); latency is send → each member's callback.
 */
final class FanoutScenario implements Scenario {
  private static final String GROUP = "fanout";

  @Override
  public List<ResultRow> run(BenchContext ctx) throws Exception {
    BenchOptions o = ctx.options;
    String kind = o.deploymentOr(Deployment.REPLICATED);
    int members = o.members();
    Deployment deployment = ctx.deploy(kind);
    Steps steps = new Steps();
    DeliveryLedger ledger = new DeliveryLedger(members);
    DeliveryListener.Connections connections = new DeliveryListener.Connections();
    Peers.Peer sender = Peers.connectAll(ctx, deployment.servers(), "fanout-sender", 0, 1, i -> new ClientListener() {}).get(0);
    sender.client().createGroup(GROUP).toCompletableFuture().get(60, TimeUnit.SECONDS);
    List<Peers.Peer> peers =
        Peers.connectAll(ctx, deployment.servers(), "fanout-m", 0, members, i -> new DeliveryListener(i, steps, ledger, true, connections));
    Peers.each(ctx, "joining the group", peers, p -> p.client().joinGroup(GROUP), 100, Math.max(120, members * 0.2));
    ctx.progress.line(members + " members joined group '" + GROUP + "'");
    GroupTraffic traffic = new GroupTraffic(sender, GROUP, members);
    List<RateStepper.Judged> judged = new RateStepper(ctx, steps, traffic, deployment).run(o.startRateOr(1000), o.maxRateOr(10_000_000));
    RateStepper.drainAll(ctx, judged.stream().map(RateStepper.Judged::step).toList(), o.finalDrain());
    List<ResultRow> rows = new ArrayList<>();
    for (RateStepper.Judged j : judged) {
      rows.add(RateStepper.row("fanout", kind, j, traffic).put("members", members));
      TimelineFile.append(ctx.workDir, "fanout", kind, j.step());
    }
    List<Peers.Peer> everyone = new ArrayList<>(peers);
    everyone.add(sender);
    Peers.closeAll(everyone, 10);
    ctx.release(deployment);
    return rows;
  }
}
