package peerlink.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a router node listens and keeps its data, after applying command-line flags over the config.
 *
 * @param seeds cluster seed addresses as host:port; empty means this node forms a cluster of its own
 */
public record NodeOptions(String host, int port, int clusterPort, Path dataDir, List<String> seeds) {

  public static NodeOptions from(Config config, String host, Integer port, Integer clusterPort, Path dataDir, List<String> seeds) {
    String h = host != null ? host : config.getString("peerlink.node.host");
    int p = port != null ? port : config.getInt("peerlink.node.port");
    int configuredCluster = config.getInt("peerlink.node.cluster-port");
    int cp = clusterPort != null ? clusterPort : configuredCluster != 0 ? configuredCluster : p + 1000;
    Path data = dataDir != null ? dataDir : Path.of(config.getString("peerlink.node.data-root"), String.valueOf(p));
    return new NodeOptions(h, p, cp, data.toAbsolutePath().normalize(), seeds == null ? List.of() : List.copyOf(seeds));
  }

  /** The flags as config, layered over the loaded config so they win. */
  public Config applyTo(Config base) {
    Map<String, Object> overrides = new HashMap<>();
    overrides.put("peerlink.node.host", host);
    overrides.put("peerlink.node.port", port);
    overrides.put("pekko.remote.artery.canonical.hostname", host);
    overrides.put("pekko.remote.artery.canonical.port", clusterPort);
    // The storage plugins read their dir through a substitution that the loaded config has already
    // resolved, so each one is set here too.
    String store = dataDir.resolve("store").toString();
    overrides.put("peerlink.storage.dir", store);
    overrides.put("peerlink.storage.journal.dir", store);
    overrides.put("peerlink.storage.snapshot.dir", store);
    return ConfigFactory.parseMap(overrides).withFallback(base).resolve();
  }
}
