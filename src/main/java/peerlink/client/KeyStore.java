package peerlink.client;

import java.security.KeyPair;
import java.util.Optional;

/** Where a client keeps the Ed25519 key pair that proves its peer ID. */
public interface KeyStore {
  Optional<KeyPair> load();

  /** Creates, stores and returns a new key pair for this peer. */
  KeyPair create();

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
        keys = peerlink.protocol.Signatures.newKeyPair();
        return keys;
      }
    };
  }
}
