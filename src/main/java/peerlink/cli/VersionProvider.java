package peerlink.cli;

import com.typesafe.config.ConfigFactory;
import picocli.CommandLine;

/** Reports the version from the config defaults, the one place it is written. */
public final class VersionProvider implements CommandLine.IVersionProvider {
  @Override
  public String[] getVersion() {
    return new String[] {"peerlink " + ConfigFactory.defaultReference().getString("peerlink.version")};
  }
}
