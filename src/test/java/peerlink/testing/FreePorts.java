package peerlink.testing;

import peerlink.bench.FreePort;

/** Ports the OS reports free, for servers started by tests; never the same one twice (see {@link FreePort}). */
public final class FreePorts {
  private FreePorts() {}

  public static int next() {
    return FreePort.next();
  }
}
