package peerlink.router;

import com.typesafe.config.Config;
import java.time.Duration;
import peerlink.protocol.Limits;

/**
 * Settings of the router singleton, read from {@code peerlink.router} and {@code peerlink.limits}.
 *
 * @param snapshotEvery events between checkpoints (snapshots) of the registry
 * @param maxBatch most commands decided and persisted in one write
 */
public record RegistrySettings(Limits limits, int snapshotEvery, int maxBatch, Duration restartBackoff) {

  public static RegistrySettings from(Config config) {
    return new RegistrySettings(
        Limits.forMessageSize((int) config.getMemorySize("peerlink.limits.max-message-size").toBytes()),
        config.getInt("peerlink.router.snapshot-every"),
        config.getInt("peerlink.router.max-batch"),
        config.getDuration("peerlink.router.restart-backoff"));
  }
}
