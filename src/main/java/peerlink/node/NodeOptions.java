package peerlink.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a node listens and keeps its data, after applying command-line flags over the config.
 *
 * @param port WebSocket port (router nodes) or 0 (the rm has none)
 * @param opsPort operations port for /status, /health and /ready (router nodes) or 0 (the rm has none)
 * @param seeds cluster seed addresses as host:port
 * @param joinOnly true for backups and the rm: they join an existing cluster and never form one
 * @param role "router" or "rm"
 */
public record NodeOptions(String host, int port, int clusterPort, int opsPort, Path dataDir, List<String> seeds, boolean joinOnly, String role) {

  public static NodeOptions router(
      Config config, String host, Integer port, Integer clusterPort, Integer opsPort, Path dataDir, List<String> seeds, boolean backup) {
    String h = host != null ? host : config.getString("peerlink.node.host");
    int p = port != null ? port : config.getInt("peerlink.node.port");
    int configuredCluster = config.getInt("peerlink.node.cluster-port");
    int cp = clusterPort != null ? clusterPort : configuredCluster != 0 ? configuredCluster : p + 1000;
    int configuredOps = config.getInt("peerlink.ops.port");
    int op = opsPort != null ? opsPort : configuredOps != 0 ? configuredOps : p + 2000;
    Path data = dataDir != null ? dataDir : Path.of(config.getString("peerlink.node.data-root"), String.valueOf(p));
    return new NodeOptions(h, p, cp, op, data.toAbsolutePath().normalize(), seedsOr(config, seeds), backup, "router");
  }

  public static NodeOptions rm(Config config, String host, Integer clusterPort, Path dataDir, List<String> seeds) {
    String h = host != null ? host : config.getString("peerlink.node.host");
    int cp = clusterPort != null ? clusterPort : config.getInt("peerlink.rm.cluster-port");
    Path data = dataDir != null ? dataDir : Path.of(config.getString("peerlink.node.data-root"), "rm");
    return new NodeOptions(h, 0, cp, 0, data.toAbsolutePath().normalize(), seedsOr(config, seeds), true, "rm");
  }

  private static List<String> seedsOr(Config config, List<String> seeds) {
    return seeds != null && !seeds.isEmpty() ? List.copyOf(seeds) : config.getStringList("peerlink.cluster.seeds");
  }

  /** This node's own cluster address as host:port. */
  public String self() {
    return host + ":" + clusterPort;
  }

  /** The flags as config, layered over the loaded config so they win. */
  public Config applyTo(Config base) {
    Map<String, Object> overrides = new HashMap<>();
    overrides.put("peerlink.node.host", host);
    overrides.put("peerlink.node.port", port);
    overrides.put("peerlink.ops.port", opsPort);
    overrides.put("pekko.remote.artery.canonical.hostname", host);
    overrides.put("pekko.remote.artery.canonical.port", clusterPort);
    overrides.put("pekko.cluster.roles", List.of(role));
    overrides.put("peerlink.cluster.seeds", seeds);
    overrides.put("peerlink.cluster.self", self());
    // The storage plugins read their dir through a substitution that the loaded config has already
    // resolved, so each one is set here too.
    String store = dataDir.resolve("store").toString();
    overrides.put("peerlink.storage.dir", store);
    overrides.put("peerlink.storage.journal.dir", store);
    overrides.put("peerlink.storage.snapshot.dir", store);
    ClusterTls.addTo(overrides, base, clusterPort);
    return ConfigFactory.parseMap(overrides).withFallback(base).resolve();
  }
}
