package cloud.acedata.dreamina.bridge.local;

import cloud.acedata.dreamina.bridge.simulator.SimulatedTask;
import cloud.acedata.dreamina.bridge.simulator.TaskScript;
import cloud.acedata.dreamina.bridge.simulator.TasksApiSimulator;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.ExecutionException;

/**
 * Local mode's demonstration: creates tasks in the simulator and puts references to them on the input topic, in
 * both accepted shapes (a bare id, and the generation endpoint's async answer), with one failing task and one
 * invalid record, so the log shows tasks finishing with their video_url and a dead letter.
 */
final class SampleTasks {

    private static final Logger LOG = LoggerFactory.getLogger(SampleTasks.class);

    private SampleTasks() {
    }

    static void send(String bootstrapServers, String topic, TasksApiSimulator simulator, int count) {
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, byte[]> producer =
                     new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < count; i++) {
                SimulatedTask task = simulator.createTask(TaskScript.done(Duration.ofSeconds(4 + 3L * i)));
                String value = i % 2 == 0
                        ? task.id()
                        : "{\"success\":true,\"task_id\":\"" + task.id() + "\",\"trace_id\":\"" + task.traceId() + "\"}";
                send(producer, topic, null, value);
                LOG.info("Sample task {} sent to {} (finishes in about {} s)", task.id(), topic, 4 + 3 * i);
            }
            SimulatedTask failing = simulator.createTask(TaskScript.failed(Duration.ofSeconds(6)));
            send(producer, topic, null, failing.id());
            LOG.info("Sample task {} sent to {} (the API will report it failed: expect a dead letter)",
                    failing.id(), topic);
            send(producer, topic, "sample-invalid", "this is not a task id!");
            LOG.info("Invalid sample record sent to {} (expect an invalid_input dead letter)", topic);
        }
    }

    private static void send(KafkaProducer<String, byte[]> producer, String topic, String key, String value) {
        try {
            producer.send(new ProducerRecord<>(topic, key, value.getBytes(StandardCharsets.UTF_8))).get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("Could not send a sample task to " + topic, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while sending sample tasks", e);
        }
    }
}
