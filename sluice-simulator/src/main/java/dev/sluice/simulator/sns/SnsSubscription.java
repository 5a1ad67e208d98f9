package dev.sluice.simulator.sns;

import java.net.URI;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One HTTP(S) subscription: its state and confirmation token, the messages waiting to be POSTed to
 * it (a bounded FIFO) and how many delivery workers it has, and its counts.
 *
 * <p>Design note. Each subscription drains its own queue with at most {@code maxWorkers} virtual
 * threads, started when a message arrives and ending when the queue is empty, so an idle
 * subscription costs no thread and a dead one holds at most its workers (waiting out retry delays)
 * and its queue, never anyone else's. A full queue refuses at once; publishing never waits.
 *
 * <p>Thread-safe: the queue, worker count, state and token are guarded by one lock (the state and
 * the queue's size are also volatile, for {@link #room} to read without it); the counts are atomic.
 */
final class SnsSubscription {
  enum State {
    PENDING,
    CONFIRMED,
    DELETED
  }

  /** What {@link #offer} did. */
  enum Admission {
    QUEUED,
    QUEUED_START_WORKER,
    FULL,
    GONE
  }

  final String arn;
  final SnsTopic topic;
  final URI endpoint;

  private final ReentrantLock lock = new ReentrantLock();
  private final ArrayDeque<Outgoing> queue = new ArrayDeque<>();

  /**
   * The queue's size, written under the lock after each change, read without it by {@link #room}:
   * the send path asks for room on every send that may publish, and must not queue behind the
   * workers for the lock to read one number that may change at once anyway.
   */
  private volatile int queueSize;

  private int workers;
  private int sending;
  private volatile State state;
  private String token;
  private long tokenIssuedMillis;

  final AtomicLong queued = new AtomicLong();
  final AtomicLong delivered = new AtomicLong();
  final AtomicLong retried = new AtomicLong();
  final AtomicLong failed = new AtomicLong();
  final AtomicLong dropped = new AtomicLong();
  final AtomicLong skippedPending = new AtomicLong();
  volatile String confirmation;
  volatile String lastError;
  volatile boolean healthy = true;

  SnsSubscription(String arn, SnsTopic topic, URI endpoint, State state, String token, long now) {
    this.arn = arn;
    this.topic = topic;
    this.endpoint = endpoint;
    this.state = state;
    this.token = token;
    this.tokenIssuedMillis = now;
    this.confirmation = state == State.CONFIRMED ? "not sent" : "queued";
  }

  State state() {
    lock.lock();
    try {
      return state;
    } finally {
      lock.unlock();
    }
  }

  /** Moves to a state; returns the one it left. */
  State transition(State next) {
    lock.lock();
    try {
      State was = state;
      state = next;
      return was;
    } finally {
      lock.unlock();
    }
  }

  String token() {
    lock.lock();
    try {
      return token;
    } finally {
      lock.unlock();
    }
  }

  long tokenIssuedMillis() {
    lock.lock();
    try {
      return tokenIssuedMillis;
    } finally {
      lock.unlock();
    }
  }

  /** Replaces the token; returns the old one. */
  String reissueToken(String next, long now) {
    lock.lock();
    try {
      String old = token;
      token = next;
      tokenIssuedMillis = now;
      return old;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Queues a message unless the queue holds {@code limit}; says whether the caller must start a
   * worker (fewer than {@code maxWorkers} are running). A notification for a deleted subscription
   * is {@code GONE}.
   */
  Admission offer(Outgoing o, int limit, int maxWorkers) {
    lock.lock();
    try {
      if (state == State.DELETED && o.isNotification()) {
        return Admission.GONE;
      }
      if (queue.size() >= limit) {
        return Admission.FULL;
      }
      queue.addLast(o);
      queueSize = queue.size();
      if (workers < maxWorkers) {
        workers++;
        return Admission.QUEUED_START_WORKER;
      }
      return Admission.QUEUED;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Whether {@link #offer} would queue a notification now (the answer may change at once; offer
   * decides).
   */
  boolean hasRoom(int limit) {
    return room(limit) > 0;
  }

  /** How many more notifications {@link #offer} would queue now (0 when deleted). */
  int room(int limit) {
    return state == State.DELETED ? 0 : Math.max(0, limit - queueSize);
  }

  /** The worker {@link #offer} asked for could not be started; the message stays queued. */
  void workerNotStarted() {
    lock.lock();
    try {
      workers--;
    } finally {
      lock.unlock();
    }
  }

  /** The next message for a worker, or null, in which case the worker must end. */
  Outgoing next() {
    lock.lock();
    try {
      Outgoing o = queue.pollFirst();
      queueSize = queue.size();
      if (o == null) {
        workers--;
      } else {
        sending++;
      }
      return o;
    } finally {
      lock.unlock();
    }
  }

  /** A worker finished the message {@link #next()} gave it. */
  void done() {
    lock.lock();
    try {
      sending--;
    } finally {
      lock.unlock();
    }
  }

  /** Removes the waiting notifications (confirmations stay); returns how many. */
  int discardNotifications() {
    lock.lock();
    try {
      int n = 0;
      for (Iterator<Outgoing> it = queue.iterator(); it.hasNext(); ) {
        if (it.next().isNotification()) {
          it.remove();
          n++;
        }
      }
      queueSize = queue.size();
      return n;
    } finally {
      lock.unlock();
    }
  }

  /** Removes everything waiting; returns how many were notifications. */
  int discardAll() {
    lock.lock();
    try {
      int n = (int) queue.stream().filter(Outgoing::isNotification).count();
      queue.clear();
      queueSize = 0;
      return n;
    } finally {
      lock.unlock();
    }
  }

  /** Messages waiting or being sent. */
  int waiting() {
    lock.lock();
    try {
      return queue.size() + sending;
    } finally {
      lock.unlock();
    }
  }

  SnsSubscriptionInfo info(int defaultSignatureVersion) {
    int v = topic.signatureVersion;
    return new SnsSubscriptionInfo(
        arn,
        topic.arn,
        masked(endpoint),
        state().name().toLowerCase(java.util.Locale.ROOT),
        v == 0 ? defaultSignatureVersion : v,
        confirmation,
        queued.get(),
        delivered.get(),
        retried.get(),
        failed.get(),
        dropped.get(),
        skippedPending.get(),
        waiting(),
        lastError);
  }

  /** The endpoint with the password of any user info replaced, for showing. */
  static String masked(URI u) {
    String info = u.getRawUserInfo();
    if (info == null || !info.contains(":")) {
      return u.toString();
    }
    return u.toString().replace(info + "@", info.substring(0, info.indexOf(':')) + ":****@");
  }
}
