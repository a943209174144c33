package peerlink.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;

/**
 * Open-loop rate steps: a warm-up, then steps at a rising offered rate (× step factor) until one fails or
 * the maximum rate has been run. A step passes when its p99 is under the limit, the offered rate was
 * really issued, at least 95 % of it was done by the end of the step plus a short drain, and nothing was
 * refused or duplicated (losses are judged once the run has drained completely).
 */
final class RateStepper {
  /** A step as judged right after its drain. */
  record Judged(
      Step step, Histogram latency, double issuedRate, double completedRate, boolean passedAtDrain, boolean keptUp, String why,
      WritePath before, WritePath after, Double jitCores, double warmupSeconds, String cpuMsPer1000) {}

  private final BenchContext ctx;
  private final Steps steps;
  private final Workload workload;
  private final Deployment deployment;
  /** How long the warm-up before the steps lasted; 0 until it has run (or without one). */
  private double warmupSeconds;

  RateStepper(BenchContext ctx, Steps steps, Workload workload, Deployment deployment) {
    this.ctx = ctx;
    this.steps = steps;
    this.workload = workload;
    this.deployment = deployment;
  }

  List<Judged> run(double startRate, double maxRate) {
    BenchOptions o = ctx.options;
    if (o.warmup() > 0) {
      warmupSeconds = warmUp(startRate);
    }
    List<Judged> judged = new ArrayList<>();
    double rate = startRate;
    for (int n = 1; ; n++) {
      Step step = steps.add("step " + n, rate);
      ctx.progress.line(String.format("step %d: offering %.0f %s for %.0f s", n, rate, workload.unit(), o.durationPerStep()));
      Judged result = offer(step, o.durationPerStep(), () -> false, () -> "");
      judged.add(result);
      ctx.progress.line(String.format("step %d: %s — issued %.0f/s, done %.0f %s, p99 %.1f ms%s",
          n, result.passedAtDrain() ? "pass" : "FAIL", result.issuedRate(), result.completedRate(), workload.unit(),
          Step.millis(result.latency(), 99), result.why().isEmpty() ? "" : " (" + result.why() + ")"));
      boolean goOn = o.continuePastLatency() ? result.keptUp() : result.passedAtDrain();
      if (!goOn || rate >= maxRate) {
        return judged;
      }
      rate = Math.min(maxRate, rate * o.stepFactor());
    }
  }

  /**
   * One step at a fixed rate, labelled (e.g. with and without something running beside it); the warm-up
   * runs first if {@code --warmup} asks for one and it has not run yet.
   */
  Judged fixed(String label, double rate) {
    if (ctx.options.warmup() > 0 && warmupSeconds == 0) {
      warmupSeconds = warmUp(rate);
    }
    Step step = steps.add(label, rate);
    ctx.progress.line(String.format("%s: offering %.0f %s for %.0f s", label, rate, workload.unit(), ctx.options.durationPerStep()));
    Judged result = offer(step, ctx.options.durationPerStep(), () -> false, () -> "");
    ctx.progress.line(String.format("%s: %s — issued %.0f/s, done %.0f %s, p99 %.1f ms%s",
        label, result.passedAtDrain() ? "pass" : "FAIL", result.issuedRate(), result.completedRate(), workload.unit(),
        Step.millis(result.latency(), 99), result.why().isEmpty() ? "" : " (" + result.why() + ")"));
    return result;
  }

  /**
   * Unmeasured load at the start rate for at least {@code --warmup} seconds, then until the JIT compilers of
   * the bench and the nodes have settled, for at most {@code --warmup-max} seconds in all. Returns its length.
   */
  private double warmUp(double startRate) {
    BenchOptions o = ctx.options;
    Step warmup = steps.add("warmup", startRate);
    WarmUpEnd end = new WarmUpEnd(o.warmup(), JitCpu.benchAndNodes(deployment));
    double longest = end.watchesJit() ? Math.max(o.warmup(), o.warmupMax()) : o.warmup();
    ctx.progress.line(longest > o.warmup()
        ? String.format("warm-up: %.0f %s for %.0f s, then until the JIT compilers settle (at most %.0f s in all)", startRate, workload.unit(), o.warmup(), longest)
        : String.format("warm-up: %.0f %s for %.0f s", startRate, workload.unit(), o.warmup()));
    offer(warmup, longest, end, end::describe);
    double seconds = warmup.seconds();
    ctx.progress.line(end.outcome(seconds));
    return seconds;
  }

  /** Offers the step's rate for {@code seconds}, drains, and judges it. */
  private Judged offer(Step step, double seconds, BooleanSupplier stop, Supplier<String> more) {
    BenchOptions o = ctx.options;
    double sendRate = step.targetRate / workload.unitsPerSend();
    WritePath before = deployment.writePath();
    JitCpu.Span jit = JitCpu.start(deployment);
    ProcessCpu cpu = ProcessCpu.start(deployment);
    step.started();
    ctx.progress.watch(() -> status(step) + more.get());
    try {
      Pacer.run(sendRate, seconds, stop, () -> workload.send(step));
      step.ended();
      long drainEnd = System.nanoTime() + (long) (o.drain() * 1e9);
      while (workload.completed(step) < workload.expected(step) && System.nanoTime() < drainEnd) {
        Sleep.millis(20);
      }
    } finally {
      ctx.progress.unwatch();
    }
    long now = System.nanoTime();
    Double jitCores = jit.cores();
    long completed = workload.completed(step);
    String cpuMsPer1000 = cpu.perThousand(completed);
    WritePath after = deployment.writePath();
    long missing = Math.max(0, workload.expected(step) - completed);
    Histogram latency = step.histogram();
    // Whatever has not arrived yet took at least as long as from the end of sending until now.
    if (missing > 0) {
      latency.recordValueWithCount(Math.max(1, (now - step.endNanos()) / 1000), missing);
    }
    double secs = step.seconds();
    double issuedRate = step.issued.sum() * workload.unitsPerSend() / secs;
    double completedRate = completed / secs;
    double p99 = Step.millis(latency, 99);
    List<String> why = new ArrayList<>();
    if (issuedRate < 0.95 * step.targetRate) why.add(String.format("could only issue %.0f/s", issuedRate));
    if (completedRate < 0.95 * step.targetRate) why.add(String.format("only %.0f %s done", completedRate, workload.unit()));
    if (step.duplicates.sum() > 0) why.add(step.duplicates.sum() + " duplicates");
    if (step.refused.sum() > 0) why.add(step.refused.sum() + " sends refused");
    if (step.unanswered.sum() > 0) why.add(step.unanswered.sum() + " sends unanswered");
    boolean keptUp = why.isEmpty();
    if (p99 >= o.p99LimitMs()) why.add(0, String.format("p99 %.1f ms >= %.0f ms", p99, o.p99LimitMs()));
    return new Judged(step, latency, issuedRate, completedRate, why.isEmpty(), keptUp, String.join(", ", why), before, after, jitCores, warmupSeconds, cpuMsPer1000);
  }

  private String status(Step step) {
    double secs = step.seconds();
    Histogram latency = step.histogram();
    return String.format("%s: offered %.0f %s, issued %.0f/s, done %.0f/s, p99 so far %.1f ms (%.0f s)",
        step.label, step.targetRate, workload.unit(), step.issued.sum() * workload.unitsPerSend() / secs,
        workload.completed(step) / secs, Step.millis(latency, 99), secs);
  }

  /** Waits until every delivery of the given steps has arrived, up to {@code seconds}; false on timeout. */
  static boolean drainAll(BenchContext ctx, List<Step> all, double seconds) {
    long deadline = System.nanoTime() + (long) (seconds * 1e9);
    ctx.progress.watch(() -> "waiting for the last deliveries: " + missing(all) + " missing");
    try {
      while (missing(all) > 0) {
        if (System.nanoTime() > deadline) {
          return false;
        }
        Sleep.millis(50);
      }
      return true;
    } finally {
      ctx.progress.unwatch();
    }
  }

  static long missing(List<Step> all) {
    long missing = 0;
    for (Step step : all) {
      missing += Math.max(0, step.expected.sum() - step.delivered.sum());
    }
    return missing;
  }

  /** The result row of a judged step, with its losses counted after the final drain. */
  static ResultRow row(String scenario, String deployment, Judged judged, Workload workload) {
    Step step = judged.step();
    StepLosses losses = StepLosses.of(step);
    long dup = step.duplicates.sum();
    long reordered = step.reordered.sum();
    boolean pass = judged.passedAtDrain() && losses.none() && dup == 0 && reordered == 0;
    List<String> whys = new ArrayList<>();
    if (!judged.why().isEmpty()) whys.add(judged.why());
    whys.addAll(losses.why());
    if (reordered > 0) whys.add(reordered + " out of order");
    String why = String.join(", ", whys);
    ResultRow row = losses.addTo(new ResultRow(scenario, deployment, step.label)
        .rates(step.targetRate, judged.completedRate())
        .latencies(judged.latency())
        .losses(losses.lost(), dup))
        .put("reordered", reordered)
        .pass(pass)
        .put("unit", workload.unit())
        .put("issuedRate", judged.issuedRate())
        .put("sends", step.issued.sum())
        .put("errors", step.errors.sum())
        .put("why", why.isEmpty() ? null : why)
        .put("jitCores", judged.jitCores())
        .put("cpuMsPer1000", judged.cpuMsPer1000())
        .put("warmupS", Math.round(judged.warmupSeconds() * 10) / 10.0)
        .put("worstSecond", TimelineFile.worst(step));
    judged.after().addTo(row, judged.before(), step.issued.sum());
    return row;
  }
}
