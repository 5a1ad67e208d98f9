package dev.sluice.feedback.store;

import java.io.IOException;
import java.nio.file.Path;

/** The feedback store's directory is held by another process (RocksDB's lock file). */
public final class StoreInUseException extends IOException {
  private static final long serialVersionUID = 1L;

  /** The directory held, and RocksDB's words. */
  StoreInUseException(Path dir, Throwable cause) {
    super(
        "the feedback store in "
            + dir
            + " is in use: another process (or another relay in this one) holds its lock",
        cause);
  }

  /** Whether RocksDB's open failed on its lock file. */
  static boolean isLock(Throwable e) {
    String m = String.valueOf(e.getMessage());
    return m.contains("lock") || m.contains("LOCK");
  }
}
