package peerlink.node;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import peerlink.security.TlsBootstrap;
import peerlink.security.TlsCheck;
import peerlink.security.TlsFiles;
import peerlink.security.TlsSetupException;

/**
 * Puts a node's cluster links (Artery) on TLS with mutual authentication: picks the node's files under
 * {@code peerlink.tls.dir}, creates what a one-machine deployment lacks, checks them, and points Pekko's
 * {@code RotatingKeysSSLEngineProvider} at them.
 */
public final class ClusterTls {
  private static final Logger log = LoggerFactory.getLogger(ClusterTls.class);
  static final String PROVIDER = "org.apache.pekko.remote.artery.tcp.ssl.RotatingKeysSSLEngineProvider";
  private static final String ENGINE = "pekko.remote.artery.ssl.rotating-keys-engine.";

  private ClusterTls() {}

  public static boolean enabled(Config config) {
    return config.getBoolean("peerlink.tls.enabled");
  }

  /** The TLS directory: {@code peerlink.tls.dir}, or {@code conf/tls} of the installation when it is empty. */
  public static Path dir(Config config) {
    String configured = config.getString("peerlink.tls.dir");
    Path dir = configured.isEmpty() ? Path.of(System.getProperty("peerlink.home", "."), "conf", "tls") : Path.of(configured);
    return dir.toAbsolutePath().normalize();
  }

  /** This node's name in the TLS directory: {@code peerlink.tls.node-name}, or {@code node-<cluster port>}. */
  public static String nodeName(Config config, int clusterPort) {
    String configured = config.getString("peerlink.tls.node-name");
    return configured.isEmpty() ? "node-" + clusterPort : configured;
  }

  public static TlsFiles files(Config config, int clusterPort) {
    return TlsFiles.in(dir(config), nodeName(config, clusterPort));
  }

  /** The transport settings for Pekko: tls-tcp and the node's files when TLS is on, plain tcp otherwise. */
  static void addTo(Map<String, Object> overrides, Config config, int clusterPort) {
    if (!enabled(config)) {
      overrides.put("pekko.remote.artery.transport", "tcp");
      return;
    }
    TlsFiles files = files(config, clusterPort);
    overrides.put("pekko.remote.artery.transport", "tls-tcp");
    overrides.put("pekko.remote.artery.ssl.ssl-engine-provider", PROVIDER);
    overrides.put(ENGINE + "key-file", files.key().toString());
    overrides.put(ENGINE + "cert-file", files.cert().toString());
    overrides.put(ENGINE + "ca-cert-file", files.caCert().toString());
  }

  /**
   * Makes the node's TLS files ready before it starts: creates what is missing when
   * {@code peerlink.tls.create-missing} allows (saying so in one log line), then checks them. A problem is
   * printed as one line naming the file, and the answer is false (the node exits with 2).
   */
  static boolean ready(String command, NodeOptions options, Config config) {
    if (!enabled(config)) {
      log.warn("Cluster links are plain TCP (peerlink.tls.enabled = off): any process that reaches the cluster port can talk to this node");
      if (!GatewayTlsConfig.usesNodeFiles(config)) {
        return true;
      }
    }
    TlsFiles files = files(config, options.clusterPort());
    try {
      if (config.getBoolean("peerlink.tls.create-missing")) {
        Duration validity = config.getDuration("peerlink.tls.node-validity");
        // The certificate also serves wss://, so it names the host clients dial (localhost too on loopback).
        List<String> created = TlsBootstrap.ensure(files, nodeName(config, options.clusterPort()), TlsBootstrap.namesFor(options.host()), validity);
        if (!created.isEmpty()) {
          log.info("Cluster TLS: created {} under {} (see README, 'Cluster TLS')", String.join(" and ", created), dir(config));
        }
      }
      TlsCheck.check(files);
      return true;
    } catch (TlsSetupException e) {
      System.err.println("peerlink " + command + ": TLS: " + e.getMessage());
      return false;
    }
  }
}
