package peerlink.bench;

import java.nio.file.Path;

/**
 * Everything {@code bin/peerlink bench} was asked for. Null means "the scenario's default" for the
 * options whose default depends on the scenario (deployment, rates, clients).
 */
public record BenchOptions(
    String scenario,
    String deployment,
    boolean json,
    double durationPerStep,
    double warmup,
    double warmupMax,
    double drain,
    double finalDrain,
    Double startRate,
    Double maxRate,
    double stepFactor,
    double p99LimitMs,
    boolean continuePastLatency,
    Integer clients,
    int trials,
    int members,
    Integer peers,
    Integer perPeer,
    int maxConnections,
    int connectionStep,
    int window,
    Double saturationSeconds,
    Double rate,
    double killAfterMin,
    double killAfterMax,
    double afterKill,
    double failoverTimeout,
    Long seed,
    Path workDir,
    boolean keepData,
    String nodeJavaOpts,
    double startupTimeoutSeconds,
    boolean plainClients,
    String clientsOn) {

  /** {@code --clients-on}: every client lists the primary first. */
  static final String ON_PRIMARY = "primary";
  /** {@code --clients-on}: every other client lists the backup first, as clients spread over the nodes would. */
  static final String ON_BOTH = "both";

  String deploymentOr(String fallback) {
    return deployment != null ? deployment : fallback;
  }

  double startRateOr(double fallback) {
    return startRate != null ? startRate : fallback;
  }

  double maxRateOr(double fallback) {
    return maxRate != null ? maxRate : fallback;
  }

  int clientsOr(int fallback) {
    return clients != null ? clients : fallback;
  }

  int peersOr(int fallback) {
    return peers != null ? peers : fallback;
  }

  int perPeerOr(int fallback) {
    return perPeer != null ? perPeer : fallback;
  }

  double rateOr(double fallback) {
    return rate != null ? rate : fallback;
  }
}
