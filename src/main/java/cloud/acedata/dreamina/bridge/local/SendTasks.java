package cloud.acedata.dreamina.bridge.local;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Properties;
import java.util.concurrent.ExecutionException;

/**
 * Puts task references on a topic, for trying the bridge without other Kafka tools:
 * {@code java -cp target/dreamina-bridge.jar cloud.acedata.dreamina.bridge.local.SendTasks BOOTSTRAP TOPIC VALUE...}
 * (each VALUE a task id or a JSON object such as the generation endpoint's async answer).
 */
public final class SendTasks {

    private SendTasks() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length < 3) {
            System.err.println("usage: SendTasks BOOTSTRAP_SERVERS TOPIC VALUE [VALUE...]");
            System.exit(2);
        }
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, byte[]> producer =
                     new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
            for (String value : Arrays.copyOfRange(args, 2, args.length)) {
                RecordMetadata sent = producer.send(
                        new ProducerRecord<>(args[1], null, value.getBytes(StandardCharsets.UTF_8))).get();
                System.out.printf("sent %s to %s-%d@%d%n", value, sent.topic(), sent.partition(), sent.offset());
            }
        } catch (ExecutionException e) {
            System.err.println("could not send: " + e.getCause());
            System.exit(1);
        }
    }
}
