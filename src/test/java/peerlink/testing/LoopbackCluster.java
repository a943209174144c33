package peerlink.testing;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

/** The config of a test actor system that is a cluster node on 127.0.0.1 and a free port, over the test defaults. */
public final class LoopbackCluster {
  private LoopbackCluster() {}

  public static Config config() {
    return ConfigFactory.parseString(
            "pekko.actor.provider = cluster\n"
                + "pekko.remote.artery.canonical.hostname = 127.0.0.1\n"
                + "pekko.remote.artery.canonical.port = 0\n"
                + "pekko.cluster.jmx.enabled = off\n")
        .withFallback(ConfigFactory.load());
  }
}
