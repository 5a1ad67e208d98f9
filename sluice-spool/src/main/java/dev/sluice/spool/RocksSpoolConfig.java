package dev.sluice.spool;

import dev.sluice.core.ByteSize;
import java.nio.file.Path;
import java.util.Objects;

/**
 * How a {@link RocksSpool} is laid out and how much it may hold in memory.
 *
 * @param directory where the RocksDB files live; created if missing
 * @param buckets how many buckets messages are sharded into, 1 to 65535; fixed when the spool is
 *     created, and reopening it with another count fails
 * @param maxPendingOps how many operations may wait for the writer; callers beyond that wait
 * @param maxPendingBytes how many message octets may wait for the writer; callers beyond that wait
 *     (a single larger message is let in when nothing else waits)
 * @param maxBatchOps the most operations one synced write carries
 * @param maxBatchBytes the most message octets one synced write carries (at least one operation is
 *     always taken)
 */
public record RocksSpoolConfig(
    Path directory,
    int buckets,
    int maxPendingOps,
    ByteSize maxPendingBytes,
    int maxBatchOps,
    ByteSize maxBatchBytes) {
  /** The default bucket count. */
  public static final int DEFAULT_BUCKETS = 16;

  /** The default limit on operations waiting for the writer. */
  public static final int DEFAULT_MAX_PENDING_OPS = 10_000;

  /** The default limit on message octets waiting for the writer. */
  public static final ByteSize DEFAULT_MAX_PENDING_BYTES = ByteSize.ofMegabytes(64);

  /** The default limit on operations per synced write. */
  public static final int DEFAULT_MAX_BATCH_OPS = 2_000;

  /** The default limit on message octets per synced write. */
  public static final ByteSize DEFAULT_MAX_BATCH_BYTES = ByteSize.ofMegabytes(16);

  /** Checks every value and says which one is wrong and what was expected. */
  public RocksSpoolConfig {
    Objects.requireNonNull(directory, "spool directory");
    Objects.requireNonNull(maxPendingBytes, "spool maxPendingBytes");
    Objects.requireNonNull(maxBatchBytes, "spool maxBatchBytes");
    if (buckets < 1 || buckets > Keys.MAX_BUCKETS) {
      throw new IllegalArgumentException(
          "spool buckets must be 1.." + Keys.MAX_BUCKETS + ", got " + buckets);
    }
    if (maxPendingOps < 1) {
      throw new IllegalArgumentException("spool maxPendingOps must be >= 1, got " + maxPendingOps);
    }
    if (maxPendingBytes.bytes() < 1) {
      throw new IllegalArgumentException(
          "spool maxPendingBytes must be >= 1 byte, got " + maxPendingBytes);
    }
    if (maxBatchOps < 1) {
      throw new IllegalArgumentException("spool maxBatchOps must be >= 1, got " + maxBatchOps);
    }
    if (maxBatchBytes.bytes() < 1) {
      throw new IllegalArgumentException(
          "spool maxBatchBytes must be >= 1 byte, got " + maxBatchBytes);
    }
  }

  /** The defaults for a spool in {@code directory}. */
  public static RocksSpoolConfig of(Path directory) {
    return builder(directory).build();
  }

  /** A builder starting from the defaults, for a spool in {@code directory}. */
  public static Builder builder(Path directory) {
    return new Builder(directory);
  }

  /** Builds a {@link RocksSpoolConfig}; not thread-safe. */
  public static final class Builder {
    private final Path directory;
    private int buckets = DEFAULT_BUCKETS;
    private int maxPendingOps = DEFAULT_MAX_PENDING_OPS;
    private ByteSize maxPendingBytes = DEFAULT_MAX_PENDING_BYTES;
    private int maxBatchOps = DEFAULT_MAX_BATCH_OPS;
    private ByteSize maxBatchBytes = DEFAULT_MAX_BATCH_BYTES;

    private Builder(Path directory) {
      this.directory = directory;
    }

    /** Sets the bucket count (see {@link RocksSpoolConfig#buckets()}). */
    public Builder buckets(int n) {
      this.buckets = n;
      return this;
    }

    /** Sets the limit on operations waiting for the writer. */
    public Builder maxPendingOps(int n) {
      this.maxPendingOps = n;
      return this;
    }

    /** Sets the limit on message octets waiting for the writer. */
    public Builder maxPendingBytes(ByteSize size) {
      this.maxPendingBytes = size;
      return this;
    }

    /** Sets the limit on operations per synced write. */
    public Builder maxBatchOps(int n) {
      this.maxBatchOps = n;
      return this;
    }

    /** Sets the limit on message octets per synced write. */
    public Builder maxBatchBytes(ByteSize size) {
      this.maxBatchBytes = size;
      return this;
    }

    /** The checked configuration. */
    public RocksSpoolConfig build() {
      return new RocksSpoolConfig(
          directory, buckets, maxPendingOps, maxPendingBytes, maxBatchOps, maxBatchBytes);
    }
  }
}
