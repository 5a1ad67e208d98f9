package dev.sluice.app.admin;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmCompilationMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmHeapPressureMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;

/**
 * The JVM's and the process's own meters on the relay's registry, from Micrometer's binders: memory
 * by pool and buffers, garbage collection (pauses, allocation, heap after collection, overhead),
 * threads by state, classes, JIT compilation, CPU (process and system, load average), uptime and
 * open file descriptors. {@code docs/admin-api.md} lists their Prometheus names.
 *
 * <p>The binders read the JVM's management beans when scraped; only garbage collection listens for
 * events, which {@link #close} stops. Thread-safe.
 */
public final class JvmMetrics implements AutoCloseable {
  private final JvmGcMetrics gc;
  private final JvmHeapPressureMetrics heapPressure;

  private JvmMetrics(JvmGcMetrics gc, JvmHeapPressureMetrics heapPressure) {
    this.gc = gc;
    this.heapPressure = heapPressure;
  }

  /** Binds every JVM and process meter to {@code registry}. */
  public static JvmMetrics bindTo(MeterRegistry registry) {
    new JvmInfoMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new JvmCompilationMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(registry);
    JvmHeapPressureMetrics heapPressure = new JvmHeapPressureMetrics();
    heapPressure.bindTo(registry);
    return new JvmMetrics(gc, heapPressure);
  }

  /** Stops listening for garbage collections; the meters stay registered. Idempotent. */
  @Override
  public void close() {
    gc.close();
    heapPressure.close();
  }
}
