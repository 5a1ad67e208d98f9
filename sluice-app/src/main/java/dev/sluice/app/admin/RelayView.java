package dev.sluice.app.admin;

import dev.sluice.core.spool.Spool;
import dev.sluice.ingress.Intake;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What the admin server reads from a running relay: its spool, for counts, listings and operator
 * changes, a snapshot of delivery, and whether its doors take new mail. The relay implements it (or
 * builds one with {@link #of}); the admin server knows nothing else about the relay.
 *
 * <p>Implementations are thread-safe: the server calls them from its worker threads.
 */
public interface RelayView {
  /** The relay's spool; the admin server lists, retries and deletes through it. */
  Spool spool();

  /** How delivery stands now; called for every {@code /api/stats} request, so keep it cheap. */
  DeliveryStatus status();

  /**
   * Whether the relay's doors take new mail now; called for every {@code /health} and {@code
   * /api/stats} request. By default only the spool's own refusal is known (no door counts).
   */
  default Intake intake() {
    return spool()
        .refusal()
        .map(
            r ->
                new Intake(
                    "refusing: " + r.words(), r.detail(), Optional.of(r.since()), r.refused()))
        .orElse(Intake.OPEN);
  }

  /** The relay's message history and suppression list, if it keeps them. */
  default Optional<dev.sluice.feedback.store.FeedbackStore> feedback() {
    return Optional.empty();
  }

  /** This view with the relay's feedback store. */
  default RelayView withFeedback(dev.sluice.feedback.store.FeedbackStore store) {
    Objects.requireNonNull(store, "store");
    RelayView base = this;
    return new RelayView() {
      @Override
      public Spool spool() {
        return base.spool();
      }

      @Override
      public DeliveryStatus status() {
        return base.status();
      }

      @Override
      public Intake intake() {
        return base.intake();
      }

      @Override
      public Optional<dev.sluice.feedback.store.FeedbackStore> feedback() {
        return Optional.of(store);
      }
    };
  }

  /** A view of a spool and a status source. */
  static RelayView of(Spool spool, Supplier<DeliveryStatus> status) {
    Objects.requireNonNull(spool, "spool");
    Objects.requireNonNull(status, "status");
    return new RelayView() {
      @Override
      public Spool spool() {
        return spool;
      }

      @Override
      public DeliveryStatus status() {
        return status.get();
      }
    };
  }

  /** A view of a spool, a status source and the doors' intake state. */
  static RelayView of(Spool spool, Supplier<DeliveryStatus> status, Supplier<Intake> intake) {
    Objects.requireNonNull(intake, "intake");
    RelayView base = of(spool, status);
    return new RelayView() {
      @Override
      public Spool spool() {
        return base.spool();
      }

      @Override
      public DeliveryStatus status() {
        return base.status();
      }

      @Override
      public Intake intake() {
        return intake.get();
      }
    };
  }
}
