package peerlink.storage;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * How much of the time the {@link CheckpointWriter} may take, read from {@code peerlink.storage}.
 *
 * @param maxShare of the time the writer may be busy, in (0, 1]; 1 writes checkpoints back to back
 * @param maxPause longest pause after a checkpoint, whatever it took: bounds the events a failover replays
 */
public record CheckpointSettings(double maxShare, Duration maxPause) {
  public static final String SHARE_KEY = "peerlink.storage.checkpoint-max-share";
  public static final String PAUSE_KEY = "peerlink.storage.checkpoint-max-pause";

  public CheckpointSettings {
    if (!(maxShare > 0 && maxShare <= 1)) {
      throw new IllegalArgumentException(SHARE_KEY + " must be more than 0 and at most 1, not " + maxShare);
    }
    if (maxPause.isNegative()) {
      throw new IllegalArgumentException(PAUSE_KEY + " cannot be negative: " + maxPause);
    }
  }

  /** @throws IllegalArgumentException or {@link com.typesafe.config.ConfigException} saying which setting is wrong */
  public static CheckpointSettings from(Config config) {
    return new CheckpointSettings(config.getDouble(SHARE_KEY), config.getDuration(PAUSE_KEY));
  }
}
