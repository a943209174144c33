package peerlink.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import peerlink.bench.Bench;
import peerlink.bench.BenchOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code peerlink bench}: starts the deployment a scenario needs, drives it through the real protocol, prints results. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Benchmark PeerLink the way users compare messaging routers, and print a report.",
      "Starts router nodes (and the rm) of this checkout on free ports with fresh",
      "data, drives them with many clients in this JVM (one shared client runtime)",
      "and prints a table, or JSON lines with --json.",
      "Progress goes to stderr, results to stdout. See docs/performance.md.",
      "",
      "Scenarios:",
      "  direct       random client -> random other client; latency to recipient",
      "  durable      the same, counted at SENT; plus a saturation row",
      "  offline      messages queued for disconnected peers, who all come back",
      "  failover     SIGKILL the primary under load: kill -> first new SENT",
      "  fanout       one sender, a group of --members: deliveries per second",
      "  connections  idle authenticated clients on one node, RSS per 1,000",
      "  abuse        hostile clients beside normal ones: what the normal ones see",
      "  scale        --peers away peers with --per-peer queued each: heap, checkpoint,",
      "               restart and failover as the state doubles (hours at its defaults)",
      ""
    })
public final class BenchCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "SCENARIO", description = "direct, durable, offline, failover, fanout, connections, abuse or scale; a comma-separated list of them (sharing one deployment of each kind; failover and scale always start their own), or all (every one but scale).")
  String scenario;

  @Option(names = "--deployment", paramLabel = "KIND", description = "single (one router node) or replicated (primary + backup + rm). Default: replicated; connections: single.")
  String deployment;

  @Option(names = "--json", description = "Print one JSON object per result row instead of a table.")
  boolean json;

  @Option(names = "--duration-per-step", paramLabel = "S", defaultValue = "10", description = "Seconds each rate step (and the saturation run) lasts (default: ${DEFAULT-VALUE}).")
  double durationPerStep;

  // 30, not 10: on 2 cores the C2 compiler threads of the bench and the router were still busy 25 s in
  // (top -H), and a step measured during that failed at rates that pass afterwards.
  @Option(names = "--warmup", paramLabel = "S", defaultValue = "30", description = "Seconds of unmeasured load at the start rate first, at least (default: ${DEFAULT-VALUE}; 0: none); offline: any value > 0 runs unmeasured rounds with a tenth of the messages first (see --warmup-max).")
  double warmup;

  // The JIT compilers of four JVMs on 2 cores took 60-90 s to settle (docs/performance.md); the limit keeps
  // a slow machine from warming up forever.
  @Option(names = "--warmup-max", paramLabel = "S", defaultValue = "180", description = "After --warmup seconds the warm-up goes on until the JIT compilers of the bench and its nodes together use less than "
      + "0.15 of a core in two 5 s windows in a row, for at most this many seconds in all (default: ${DEFAULT-VALUE}; at or below --warmup: a fixed warm-up). "
      + "offline repeats its round until they use less than that during a round's reconnect, for at most this many seconds (one round at least).")
  double warmupMax;

  @Option(names = "--drain", paramLabel = "S", defaultValue = "2", description = "Seconds a step may take after its sending ends to count as done (default: ${DEFAULT-VALUE}).")
  double drain;

  @Option(names = "--final-drain", paramLabel = "S", defaultValue = "60", description = "Seconds to wait for the last deliveries before counting losses (default: ${DEFAULT-VALUE}).")
  double finalDrain;

  @Option(names = "--start-rate", paramLabel = "R", description = "First offered rate: msg/s (direct, durable) or deliveries/s (fanout). Default: 500; fanout 1000.")
  Double startRate;

  @Option(names = "--max-rate", paramLabel = "R", description = "Highest offered rate to try (default: 100000; fanout 10000000).")
  Double maxRate;

  @Option(names = "--step-factor", paramLabel = "F", defaultValue = "1.5", description = "Each step offers this times the previous rate (default: ${DEFAULT-VALUE}).")
  double stepFactor;

  @Option(names = "--p99-limit", paramLabel = "MS", defaultValue = "50", description = "A step passes only with p99 below this (default: ${DEFAULT-VALUE}).")
  double p99LimitMs;

  @Option(names = "--continue-past-latency", description = "Keep stepping after a step fails only on p99, until the delivered rate falls short (finds the throughput knee on a noisy machine).")
  boolean continuePastLatency;

  @Option(names = "--clients", paramLabel = "N", description = "Clients: direct/durable 100, failover 50, offline: senders, 10.")
  Integer clients;

  @Option(names = "--trials", paramLabel = "N", defaultValue = "5", description = "failover: trials, each on a fresh trio (default: ${DEFAULT-VALUE}).")
  int trials;

  @Option(names = "--members", paramLabel = "N", defaultValue = "1000", description = "fanout: group members, each on its own connection (default: ${DEFAULT-VALUE}).")
  int members;

  @Option(names = "--peers", paramLabel = "N", description = "offline: recipients (default: 1000); scale: away peers in the end (default: 1000000).")
  Integer peers;

  @Option(names = "--per-peer", paramLabel = "N", description = "offline: messages queued for each recipient (default: 100); scale: for each away peer (default: 10).")
  Integer perPeer;

  @Option(names = "--max-connections", paramLabel = "N", defaultValue = "10000", description = "connections: stop after this many clients (default: ${DEFAULT-VALUE}).")
  int maxConnections;

  @Option(names = "--connection-step", paramLabel = "N", defaultValue = "1000", description = "connections: clients added per step (default: ${DEFAULT-VALUE}).")
  int connectionStep;

  @Option(names = "--window", paramLabel = "N", defaultValue = "1000", description = "durable saturation and offline queueing: most sends awaiting SENT (default: ${DEFAULT-VALUE}).")
  int window;

  @Option(names = "--saturation-seconds", paramLabel = "S", description = "durable: length of the saturation run (default: --duration-per-step).")
  Double saturationSeconds;

  @Option(names = "--rate", paramLabel = "R", description = "failover: steady offered rate in msg/s (default: 200); abuse: the normal traffic's rate (default: 2000).")
  Double rate;

  @Option(names = "--kill-after-min", paramLabel = "S", defaultValue = "5", description = "failover: earliest kill, seconds after sending starts (default: ${DEFAULT-VALUE}).")
  double killAfterMin;

  @Option(names = "--kill-after-max", paramLabel = "S", defaultValue = "10", description = "failover: latest kill (default: ${DEFAULT-VALUE}).")
  double killAfterMax;

  @Option(names = "--after-kill", paramLabel = "S", defaultValue = "3", description = "failover: seconds to keep sending after the first new SENT (default: ${DEFAULT-VALUE}).")
  double afterKill;

  @Option(names = "--failover-timeout", paramLabel = "S", defaultValue = "60", description = "failover: give up waiting for a new SENT after this (default: ${DEFAULT-VALUE}).")
  double failoverTimeout;

  @Option(names = "--seed", paramLabel = "N", description = "Random seed (senders, recipients, kill moments); printed when not given.")
  Long seed;

  @Option(names = "--work-dir", paramLabel = "DIR", description = "Where node data and logs go (default: a new temporary directory).")
  Path workDir;

  @Option(names = "--keep-data", description = "Keep the nodes' data directories (logs are always kept).")
  boolean keepData;

  @Option(names = "--node-java-opts", paramLabel = "OPTS", description = "JAVA_OPTS for the nodes; {node} becomes <work dir>/<node name>, e.g. -XX:StartFlightRecording=filename={node}.jfr")
  String nodeJavaOpts;

  @Option(names = "--plain-clients", description = "Clients connect over plain ws:// (the nodes run with peerlink.gateway.tls.enabled = off), to measure what TLS on the client links costs.")
  boolean plainClients;

  @Option(names = "--clients-on", paramLabel = "WHERE", defaultValue = "primary",
      description = "failover: where the clients connect first: primary (all of them; the backup takes every reconnection at the kill) or both (every other client lists the backup first) (default: ${DEFAULT-VALUE}).")
  String clientsOn;

  @Option(names = "--startup-timeout", paramLabel = "S", defaultValue = "180", description = "Seconds a deployment may take to be ready (default: ${DEFAULT-VALUE}).")
  double startupTimeout;

  @Override
  public Integer call() {
    return Bench.run(new BenchOptions(
        scenario.toLowerCase(java.util.Locale.ROOT), deployment == null ? null : deployment.toLowerCase(java.util.Locale.ROOT), json,
        durationPerStep, warmup, warmupMax, drain, finalDrain, startRate, maxRate, stepFactor, p99LimitMs, continuePastLatency, clients, trials, members, peers,
        perPeer, maxConnections, connectionStep, window, saturationSeconds, rate, killAfterMin, killAfterMax, afterKill,
        failoverTimeout, seed, workDir, keepData, nodeJavaOpts, startupTimeout, plainClients, clientsOn.toLowerCase(java.util.Locale.ROOT)));
  }
}
