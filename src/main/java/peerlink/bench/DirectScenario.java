package peerlink.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code direct}: 100 connected clients, each message from a random client to a random other one; latency
 * is send → recipient's callback. {@code durable}: the same traffic, but a send counts when its SENT
 * arrives (latency send → SENT), plus a saturation row with at most {@code --window} sends awaiting SENT.
 */
final class DirectScenario implements Scenario {
  private final boolean durable;

  DirectScenario(boolean durable) {
    this.durable = durable;
  }

  @Override
  public List<ResultRow> run(BenchContext ctx) {
    BenchOptions o = ctx.options;
    String name = durable ? "durable" : "direct";
    String kind = o.deploymentOr(Deployment.REPLICATED);
    int clients = o.clientsOr(100);
    Deployment deployment = ctx.deploy(kind);
    Steps steps = new Steps();
    DeliveryLedger ledger = new DeliveryLedger(clients);
    DeliveryListener.Connections connections = new DeliveryListener.Connections();
    List<Peers.Peer> peers =
        Peers.connectAll(ctx, deployment.servers(), name + "-p", 0, clients, i -> new DeliveryListener(i, steps, ledger, !durable, connections));
    ctx.progress.line(clients + " clients connected and registered");
    PairTraffic traffic = new PairTraffic(peers, ledger, durable, ctx.random);
    List<RateStepper.Judged> judged =
        new RateStepper(ctx, steps, traffic, deployment).run(o.startRateOr(500), o.maxRateOr(100_000));
    List<Step> all = new ArrayList<>(judged.stream().map(RateStepper.Judged::step).toList());
    RateStepper.drainAll(ctx, all, o.finalDrain());
    List<ResultRow> rows = new ArrayList<>();
    for (RateStepper.Judged j : judged) {
      rows.add(RateStepper.row(name, kind, j, traffic));
      TimelineFile.append(ctx.workDir, name, kind, j.step());
    }
    if (durable) {
      Saturation saturation = new Saturation(ctx, steps, traffic, deployment);
      Step step = saturation.run(o.window(), o.saturationSeconds() != null ? o.saturationSeconds() : o.durationPerStep());
      RateStepper.drainAll(ctx, List.of(step), o.finalDrain());
      rows.add(saturation.row(name, kind, step));
      TimelineFile.append(ctx.workDir, name, kind, step);
    }
    Peers.closeAll(peers, 10);
    ctx.release(deployment);
    return rows;
  }
}
