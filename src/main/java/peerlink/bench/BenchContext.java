package peerlink.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import peerlink.client.ClientRuntime;
import peerlink.client.ClientTls;
import peerlink.security.TlsFiles;

/** What every scenario gets: the options, a work directory for node data and logs, the shared client runtime. */
final class BenchContext {
  final BenchOptions options;
  final Path workDir;
  final Progress progress;
  private final java.util.concurrent.CompletableFuture<ClientRuntime> runtime;
  final long seed;
  final Random random;
  private final List<Deployment> deployments = new ArrayList<>();
  /** When several scenarios run in one invocation, they share one deployment of each kind. */
  private final boolean share;

  BenchContext(BenchOptions options, Path workDir, Progress progress, java.util.concurrent.CompletableFuture<ClientRuntime> runtime, long seed, boolean share) {
    this.share = share;
    this.options = options;
    this.workDir = workDir;
    this.progress = progress;
    this.runtime = runtime;
    this.seed = seed;
    this.random = new Random(seed);
  }

  /**
   * How bench clients check the nodes: against the deployment CA the nodes made under this installation's
   * conf/tls on first start, or not at all with --plain-clients (ws://).
   */
  ClientTls clientTls() {
    if (options.plainClients()) {
      return ClientTls.systemTrust().withPlainAllowed();
    }
    return ClientTls.trusting(caFile());
  }

  /** The deployment CA's certificate, which the nodes made under this installation's conf/tls on first start. */
  Path caFile() {
    return Path.of(System.getProperty("peerlink.home", "."), "conf", "tls", TlsFiles.CA_CERT).toAbsolutePath().normalize();
  }

  /** The one client runtime all peers share (started in the background while the nodes boot). */
  ClientRuntime runtime() {
    return runtime.join();
  }

  /**
   * Starts a deployment under {@code workDir/<kind>}; it is stopped by {@link #stopDeployments} if not before.
   * When scenarios share deployments, an earlier one of the same kind is returned instead.
   */
  Deployment deploy(String kind) {
    return deploy(kind, kind, share);
  }

  /** A deployment of its own, never shared (failover kills its primary). */
  Deployment deployPrivate(String kind, String name) {
    return deploy(kind, name, false);
  }

  private Deployment deploy(String kind, String name, boolean reuse) {
    if (reuse) {
      synchronized (deployments) {
        for (Deployment running : deployments) {
          if (running.kind().equals(kind)) {
            progress.line("reusing the " + kind + " deployment in " + running.dir());
            return running;
          }
        }
      }
    }
    Deployment deployment = Deployment.start(kind, workDir.resolve(name), options, progress);
    synchronized (deployments) {
      deployments.add(deployment);
    }
    return deployment;
  }

  /** Stops a deployment unless scenarios share it (then {@link #stopDeployments} does at the end). */
  void release(Deployment deployment) {
    if (!share) {
      stop(deployment);
    }
  }

  /** Stops a deployment now, shared or not (failover trials never share theirs). */
  void stop(Deployment deployment) {
    progress.line("stopping " + deployment.kind() + " deployment (logs in " + deployment.dir() + ")");
    deployment.close();
    synchronized (deployments) {
      deployments.remove(deployment);
    }
  }

  void stopDeployments() {
    List<Deployment> running;
    synchronized (deployments) {
      running = List.copyOf(deployments);
    }
    running.forEach(this::stop);
  }
}
