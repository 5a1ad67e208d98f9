package dev.sluice.simulator.smtp;

import dev.sluice.simulator.SendOutcome;
import dev.sluice.simulator.SendRequest;
import dev.sluice.simulator.SendService;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** A test send service: records each request and answers with the scripted outcome. */
final class RecordingSendService implements SendService {
  final List<SendRequest> requests = new CopyOnWriteArrayList<>();
  private final AtomicInteger counter = new AtomicInteger();
  volatile SendOutcome next;

  @Override
  public SendOutcome send(SendRequest request) {
    requests.add(request);
    SendOutcome scripted = next;
    if (scripted != null) {
      return scripted;
    }
    return new SendOutcome.Accepted(
        String.format(
            "0100018d0cfe3200-2c3d4e5f-6a7b-4c8d-9e0f-%012d-000000", counter.incrementAndGet()));
  }
}
