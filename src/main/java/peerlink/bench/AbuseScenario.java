package peerlink.bench;

import java.util.ArrayList;
import java.util.List;
import peerlink.bench.abuse.Abusers;
import peerlink.bench.abuse.Target;

/**
 * {@code abuse}: the direct scenario's traffic at one fixed rate (default 2,000 msg/s), measured first alone
 * and then while abusive clients attack the primary (see {@link Abusers}: a non-reader flooding bad frames, a
 * connection flood, a registration flood, a peer filling an offline victim's inbox, a storm of failed logins
 * for the normal clients' own IDs). Two rows from one run, side by side; the one under abuse passes when the
 * normal traffic's p99 stays under {@code --p99-limit} and none of it is lost or refused.
 */
final class AbuseScenario implements Scenario {
  /** Connections the flood holds open at once (the bench turns the per-address limit off: all is 127.0.0.1). */
  private static final int HELD_CONNECTIONS = 500;
  /** Abuse runs this long before the measured step, so the step sees it in full swing. */
  private static final long RAMP_MILLIS = 2_000;

  @Override
  public List<ResultRow> run(BenchContext ctx) {
    BenchOptions o = ctx.options;
    String kind = o.deploymentOr(Deployment.REPLICATED);
    int clients = o.clientsOr(100);
    double rate = o.rateOr(2_000);
    Deployment deployment = ctx.deploy(kind);
    Steps steps = new Steps();
    DeliveryLedger ledger = new DeliveryLedger(clients);
    DeliveryListener.Connections connections = new DeliveryListener.Connections();
    List<Peers.Peer> peers =
        Peers.connectAll(ctx, deployment.servers(), "abuse-p", 0, clients, i -> new DeliveryListener(i, steps, ledger, true, connections));
    ctx.progress.line(clients + " normal clients connected and registered");
    PairTraffic traffic = new PairTraffic(peers, ledger, false, ctx.random);
    RateStepper stepper = new RateStepper(ctx, steps, traffic, deployment);

    RateStepper.Judged calm = stepper.fixed("without abuse", rate);
    Target target = Target.of(deployment.servers().get(0), ctx.caFile());
    String prefix = "abuse" + Long.toString(Math.abs(ctx.seed % 1_000_000), 36) + "-";
    Abusers abusers = new Abusers(target, peers.stream().map(Peers.Peer::id).toList(), prefix, HELD_CONNECTIONS);
    ctx.progress.line("starting the abusers against " + deployment.servers().get(0));
    abusers.start();
    RateStepper.Judged attacked;
    try {
      Sleep.millis(RAMP_MILLIS);
      attacked = stepper.fixed("with abuse", rate);
    } finally {
      abusers.stop();
    }
    String summary = abusers.summary();
    ctx.progress.line("abusers: " + summary);
    RateStepper.drainAll(ctx, List.of(calm.step(), attacked.step()), o.finalDrain());

    List<ResultRow> rows = new ArrayList<>();
    rows.add(RateStepper.row("abuse", kind, calm, traffic));
    rows.add(RateStepper.row("abuse", kind, attacked, traffic).put("abusers", summary));
    TimelineFile.append(ctx.workDir, "abuse", kind, calm.step());
    TimelineFile.append(ctx.workDir, "abuse", kind, attacked.step());
    Peers.closeAll(peers, 10);
    ctx.release(deployment);
    return rows;
  }
}
