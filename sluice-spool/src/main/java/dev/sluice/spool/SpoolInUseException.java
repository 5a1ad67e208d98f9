package dev.sluice.spool;

import dev.sluice.core.spool.SpoolException;
import java.nio.file.Path;
import java.util.Locale;
import org.rocksdb.RocksDBException;

/**
 * The spool directory is held by another process (or already open in this one): RocksDB admits one
 * owner at a time, through a lock on the directory's {@code LOCK} file. The usual cause is a relay
 * running on it.
 */
public final class SpoolInUseException extends SpoolException {
  private static final long serialVersionUID = 1L;

  private final transient Path directory;

  SpoolInUseException(Path directory, Throwable cause) {
    super("the spool in " + directory + " is in use by another process", cause);
    this.directory = directory;
  }

  /** The spool directory. */
  public Path directory() {
    return directory;
  }

  /**
   * Whether RocksDB refused to open because another owner holds the lock: another process ("While
   * lock file: …") or this one ("lock hold by current process").
   */
  static boolean isLock(RocksDBException e) {
    String m = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
    return m.contains("while lock file") || m.contains("lock hold by current process");
  }
}
