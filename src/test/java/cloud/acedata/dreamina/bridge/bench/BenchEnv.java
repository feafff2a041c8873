package cloud.acedata.dreamina.bridge.bench;

import cloud.acedata.dreamina.bridge.support.KafkaTestClient;

import java.util.Optional;

/**
 * What every workload shares: the settings, the broker's address and one test client of it; and the delivery
 * guarantee the bridge runs under in this run (empty: its configured default).
 */
record BenchEnv(BenchSettings settings, String bootstrapServers, KafkaTestClient client, Optional<String> guarantee) {

    BenchEnv(BenchSettings settings, String bootstrapServers, KafkaTestClient client) {
        this(settings, bootstrapServers, client, Optional.empty());
    }

    /** The same environment, the bridge run under {@code guarantee}. */
    BenchEnv withGuarantee(Optional<String> guarantee) {
        return new BenchEnv(settings, bootstrapServers, client, guarantee);
    }
}
