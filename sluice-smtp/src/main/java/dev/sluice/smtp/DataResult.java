package dev.sluice.smtp;

import java.time.Duration;
import java.util.Objects;

/** What a handler decided about a received message: answer, reset the connection, or hang. */
public sealed interface DataResult {
  /**
   * Answer with this reply; the transaction ends either way.
   *
   * @param reply the reply to the end of data
   */
  record Respond(Reply reply) implements DataResult {
    /** Checks the reply. */
    public Respond {
      Objects.requireNonNull(reply, "reply");
    }
  }

  /** Abort the connection with a TCP reset (SO_LINGER 0, then close), answering nothing. */
  record Reset() implements DataResult {}

  /**
   * Answer nothing and keep the connection open, discarding input, until the client closes or the
   * limit has passed; then close.
   *
   * @param limit the longest time to hang
   */
  record Hang(Duration limit) implements DataResult {
    /** Checks the limit. */
    public Hang {
      Objects.requireNonNull(limit, "limit");
      if (limit.isNegative()) {
        throw new IllegalArgumentException("hang limit must not be negative: " + limit);
      }
    }
  }

  /** Answers with a reply. */
  static DataResult respond(Reply reply) {
    return new Respond(reply);
  }

  /** Resets the connection. */
  static DataResult reset() {
    return new Reset();
  }

  /** Hangs for at most {@code limit}. */
  static DataResult hang(Duration limit) {
    return new Hang(limit);
  }
}
