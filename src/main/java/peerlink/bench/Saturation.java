package peerlink.bench;

import org.HdrHistogram.Histogram;

/** Closed-loop load: keeps at most {@code window} sends awaiting SENT and reports the acknowledged rate. */
final class Saturation {
  private final BenchContext ctx;
  private final Steps steps;
  private final Workload workload;
  private final Deployment deployment;
  private long ackedAtEnd;
  private Double jitCores;
  /** CPU per 1,000 acknowledged sends, per process (ProcessCpu). */
  private String cpuMsPer1000;
  private WritePath pathBefore;
  private WritePath pathAfter;

  Saturation(BenchContext ctx, Steps steps, Workload workload, Deployment deployment) {
    this.ctx = ctx;
    this.steps = steps;
    this.workload = workload;
    this.deployment = deployment;
  }

  Step run(int window, double seconds) {
    Step step = steps.add("saturation", 0);
    Window slots = new Window(window);
    WritePath before = deployment.writePath();
    JitCpu.Span jit = JitCpu.start(deployment);
    ProcessCpu cpu = ProcessCpu.start(deployment);
    ctx.progress.line(String.format("saturation: at most %d sends awaiting SENT, for %.0f s", window, seconds));
    step.started();
    ctx.progress.watch(() -> String.format("saturation: %.0f acked/s, %d awaiting SENT, p99 so far %.1f ms",
        step.acked.sum() / step.seconds(), slots.inFlight(), Step.millis(step.histogram(), 99)));
    try {
      long end = System.nanoTime() + (long) (seconds * 1e9);
      while (System.nanoTime() < end) {
        slots.acquire(60);
        workload.send(step).whenComplete((ok, failure) -> slots.release());
      }
      step.ended();
      ackedAtEnd = step.acked.sum();
      jitCores = jit.cores();
      cpuMsPer1000 = cpu.perThousand(ackedAtEnd);
      pathBefore = before;
      pathAfter = deployment.writePath();
      if (!slots.awaitEmpty(60)) {
        ctx.progress.line("saturation: " + slots.inFlight() + " sends still without an answer after 60 s");
      }
    } finally {
      ctx.progress.unwatch();
    }
    return step;
  }

  ResultRow row(String scenario, String deployment, Step step) {
    Histogram latency = step.histogram();
    double secs = step.seconds();
    StepLosses losses = StepLosses.of(step);
    long dup = step.duplicates.sum();
    long reordered = step.reordered.sum();
    ResultRow row = losses.addTo(new ResultRow(scenario, deployment, "saturation")
        .rates(step.issued.sum() / secs, ackedAtEnd / secs)
        .latencies(latency)
        .losses(losses.lost(), dup))
        .put("reordered", reordered)
        .pass(losses.none() && dup == 0 && reordered == 0 && step.errors.sum() == 0)
        .put("unit", "acked/s")
        .put("window", ctx.options.window())
        .put("sends", step.issued.sum())
        .put("errors", step.errors.sum())
        .put("why", losses.none() ? null : String.join(", ", losses.why()))
        .put("jitCores", jitCores)
        .put("cpuMsPer1000", cpuMsPer1000)
        .put("worstSecond", TimelineFile.worst(step));
    if (pathAfter != null) {
      pathAfter.addTo(row, pathBefore, step.issued.sum());
    }
    return row;
  }
}
