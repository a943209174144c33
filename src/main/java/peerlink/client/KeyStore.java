package peerlink.client;

import java.security.KeyPair;
import java.util.Optional;
import peerlink.protocol.Signatures;

/** Where a client keeps the Ed25519 key pair that proves its peer ID. */
public interface KeyStore {
  Optional<KeyPair> load();

  /** Creates, stores and returns a new key pair for this peer. */
  KeyPair create();

  /**
   * Forgets {@code keys}, which {@link #create} made for a registration the router refused for good (the ID
   * is another key's): kept, it would make every later login fail. Does nothing if the store holds other keys.
   */
  default void discard(KeyPair keys) {}

  /** A store in memory only, for benchmarks and tests that do not outlive the process. */
  static KeyStore inMemory() {
    return new KeyStore() {
      private KeyPair keys;

      @Override
      public synchronized Optional<KeyPair> load() {
        return Optional.ofNullable(keys);
      }

      @Override
      public synchronized KeyPair create() {
        keys = Signatures.newKeyPair();
        return keys;
      }

      @Override
      public synchronized void discard(KeyPair made) {
        if (keys == made) {
          keys = null;
        }
      }
    };
  }
}
