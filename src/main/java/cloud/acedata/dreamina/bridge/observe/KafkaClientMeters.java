package cloud.acedata.dreamina.bridge.observe;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;

import java.util.ArrayList;
import java.util.List;

/** Binds Kafka clients' own metrics (Micrometer's {@link KafkaClientMetrics}) and closes the binders at stop. */
public final class KafkaClientMeters implements AutoCloseable {

    private final MeterRegistry registry;
    private final List<KafkaClientMetrics> binders = new ArrayList<>();

    public KafkaClientMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    public <C extends Consumer<?, ?>> C bind(C consumer) {
        return bind(new KafkaClientMetrics(consumer), consumer);
    }

    public <P extends Producer<?, ?>> P bind(P producer) {
        return bind(new KafkaClientMetrics(producer), producer);
    }

    private synchronized <T> T bind(KafkaClientMetrics binder, T client) {
        binder.bindTo(registry);
        binders.add(binder);
        return client;
    }

    @Override
    public synchronized void close() {
        binders.forEach(KafkaClientMetrics::close);
        binders.clear();
    }
}
