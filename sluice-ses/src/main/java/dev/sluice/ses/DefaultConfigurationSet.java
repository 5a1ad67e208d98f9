package dev.sluice.ses;

import dev.sluice.core.Envelope;
import dev.sluice.core.ses.ConfigurationSetNames;
import dev.sluice.core.ses.HeaderSection;
import dev.sluice.core.ses.MessageTags;
import dev.sluice.core.transport.CallResult;
import dev.sluice.core.transport.ForwardingTransport;
import dev.sluice.core.transport.Transport;

/**
 * A transport that gives messages naming no configuration set the operator's default one ({@code
 * --configuration-set}), by adding an {@code X-SES-CONFIGURATION-SET} header: SES reads it there
 * over SMTP and v1's SendRawEmail, and {@link SesV2Transport} turns it into v2's {@code
 * ConfigurationSetName}, so every transport honours the default the same way. A message that names
 * its own set keeps it.
 *
 * <p>Thread-safe when the wrapped transport is.
 */
public final class DefaultConfigurationSet extends ForwardingTransport {
  private final String set;

  private DefaultConfigurationSet(Transport transport, String set) {
    super(transport);
    this.set = set;
  }

  /**
   * The transport with a default set; the transport itself when {@code set} is empty.
   *
   * @throws IllegalArgumentException when SES would refuse the name
   */
  public static Transport wrap(Transport transport, String set) {
    if (set.isEmpty()) {
      return transport;
    }
    String problem = ConfigurationSetNames.problem(set);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    return new DefaultConfigurationSet(transport, set);
  }

  @Override
  public CallResult send(Envelope envelope, byte[] content) {
    boolean named =
        !HeaderSection.named(HeaderSection.fields(content), MessageTags.SET_HEADER).isEmpty();
    return transport.send(
        envelope, named ? content : HeaderSection.prepend(MessageTags.SET_HEADER, set, content));
  }

  @Override
  public String toString() {
    return transport + " (default configuration set " + set + ")";
  }
}
