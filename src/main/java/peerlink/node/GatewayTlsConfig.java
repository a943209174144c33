package peerlink.node;

import com.typesafe.config.Config;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import peerlink.gateway.GatewayTls;
import peerlink.security.TlsFiles;
import peerlink.security.TlsSetupException;

/**
 * Reads {@code peerlink.gateway.tls}: what a router node presents to its clients on {@code wss://}: a
 * PKCS#12 keystore, PEM files, or by default the node's own certificate under {@code peerlink.tls.dir}
 * (signed by the deployment CA, which the console trusts). Off, the node serves plain {@code ws://} and
 * says at start what that means.
 */
final class GatewayTlsConfig {
  private static final Logger log = LoggerFactory.getLogger(GatewayTlsConfig.class);
  private static final String PREFIX = "peerlink.gateway.tls.";

  private GatewayTlsConfig() {}

  static boolean enabled(Config config) {
    return config.getBoolean(PREFIX + "enabled");
  }

  /** Whether clients get the node's certificate from the TLS directory (which then must exist or be made). */
  static boolean usesNodeFiles(Config config) {
    return enabled(config) && config.getString(PREFIX + "cert-file").isEmpty() && config.getString(PREFIX + "pkcs12-file").isEmpty();
  }

  /**
   * @return the node's TLS for clients, or null (plain ws://) when {@code peerlink.gateway.tls.enabled} is off
   * @throws TlsSetupException naming the file that cannot be used
   */
  static GatewayTls load(Config config, int clusterPort) throws TlsSetupException {
    if (!enabled(config)) {
      log.warn("Clients connect over plain ws:// (peerlink.gateway.tls.enabled = off): anyone on the network path reads their "
          + "messages and can take over their connections; use this only behind a TLS proxy on the same host or on a closed test bench");
      return null;
    }
    String pkcs12 = config.getString(PREFIX + "pkcs12-file");
    if (!pkcs12.isEmpty()) {
      return GatewayTls.pkcs12(Path.of(pkcs12), config.getString(PREFIX + "pkcs12-password").toCharArray());
    }
    String cert = config.getString(PREFIX + "cert-file");
    String key = config.getString(PREFIX + "key-file");
    if (!cert.isEmpty() || !key.isEmpty()) {
      if (cert.isEmpty() || key.isEmpty()) {
        throw new TlsSetupException(PREFIX + "cert-file and key-file go together: set both (PEM), or neither to use the node's own certificate");
      }
      return GatewayTls.pem(Path.of(cert), Path.of(key));
    }
    TlsFiles files = ClusterTls.files(config, clusterPort);
    log.info("Clients connect over TLS (wss://) with {}, presenting {}", GatewayTls.engine(), files.cert());
    return GatewayTls.pem(files.cert(), files.key());
  }
}
