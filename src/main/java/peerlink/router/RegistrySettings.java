package peerlink.router;

import com.typesafe.config.Config;
import java.time.Duration;
import peerlink.protocol.Limits;

/**
 * Settings of the router singleton, read from {@code peerlink.router} and {@code peerlink.limits}.
 *
 * @param snapshotEvery events between checkpoints (snapshots) of the registry
 * @param maxBatch most commands decided and persisted in one write
 * @param quotas what one peer may hold in the registry (inbox, groups)
 * @param ttl the time-to-live a message may ask for, and the one it gets when it asks none
 * @param registration who may register a new peer ID
 */
public record RegistrySettings(
    Limits limits, int snapshotEvery, int maxBatch, Duration restartBackoff, Quotas quotas, MessageTtl ttl, RegistrationPolicy registration) {

  /** Settings with the default quotas (tests that are not about them). */
  public RegistrySettings(Limits limits, int snapshotEvery, int maxBatch, Duration restartBackoff) {
    this(limits, snapshotEvery, maxBatch, restartBackoff, Quotas.DEFAULT);
  }

  /** Settings with the default time-to-live rules. */
  public RegistrySettings(Limits limits, int snapshotEvery, int maxBatch, Duration restartBackoff, Quotas quotas) {
    this(limits, snapshotEvery, maxBatch, restartBackoff, quotas, MessageTtl.DEFAULT, RegistrationPolicy.OPEN);
  }

  public static RegistrySettings from(Config config) {
    return new RegistrySettings(
        Limits.forMessageSize((int) config.getMemorySize("peerlink.limits.max-message-size").toBytes()),
        config.getInt("peerlink.router.snapshot-every"),
        config.getInt("peerlink.router.max-batch"),
        config.getDuration("peerlink.router.restart-backoff"),
        Quotas.from(config),
        MessageTtl.from(config),
        RegistrationPolicy.from(config));
  }
}
