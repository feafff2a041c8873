package cloud.acedata.dreamina.bridge.bench;

import cloud.acedata.dreamina.bridge.support.KafkaTestClient;

/** What every workload shares: the settings, the broker's address and one test client of it. */
record BenchEnv(BenchSettings settings, String bootstrapServers, KafkaTestClient client) {
}
