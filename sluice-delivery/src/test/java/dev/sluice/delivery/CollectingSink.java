package dev.sluice.delivery;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Keeps every event in memory, for assertions. */
final class CollectingSink implements EventSink {
  private final List<DeliveryEvent> events = Collections.synchronizedList(new ArrayList<>());

  @Override
  public void accept(DeliveryEvent event) {
    events.add(event);
  }

  List<DeliveryEvent> all() {
    synchronized (events) {
      return List.copyOf(events);
    }
  }

  List<DeliveryEvent> of(DeliveryEvent.Type type) {
    return all().stream().filter(e -> e.type() == type).toList();
  }

  List<DeliveryEvent> forId(String queueId) {
    return all().stream().filter(e -> e.queueId().value().equals(queueId)).toList();
  }

  long count(DeliveryEvent.Type type) {
    return of(type).size();
  }
}
