package cloud.acedata.dreamina.bridge.delivery;

import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The poll path's transaction on Kafka's own in-memory producer, answered by the test. */
class KafkaTransactionTest {

    private MockProducer<byte[], byte[]> broker;
    private KafkaTransaction transaction;

    @BeforeEach
    void setUp() {
        broker = new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer());
        transaction = KafkaTransaction.open(broker, new RecordSizeLimit(1_000));
    }

    private void write(String value) {
        transaction.send(new ProducerRecord<>("out", value.getBytes(StandardCharsets.UTF_8)), null);
    }

    @Test
    void waitingForAnswersIsBoundedWhenTheBrokerDoesNotAnswer() {
        write("a");
        long start = System.nanoTime();
        transaction.awaitAnswers(Duration.ofMillis(50));
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(5).toNanos(), "it returned");
        assertNull(transaction.failure(), "no answer is no failure: the commit times out on its own");
        assertTrue(broker.transactionInFlight());
    }

    @Test
    void aRefusalAmongTheAnswersIsTheTransactionsFailureNotThrown() {
        write("a");
        write("b");
        NotEnoughReplicasException refused = new NotEnoughReplicasException("min.insync.replicas");
        assertTrue(broker.completeNext());
        assertTrue(broker.errorNext(refused));

        transaction.awaitAnswers(Duration.ofSeconds(1));

        assertSame(refused, transaction.failure(), "the commit aborts it");
    }

    @Test
    void aWriteOfTheNextTransactionIsWaitedForAfterACommit() {
        write("a");
        broker.completeNext();
        transaction.awaitAnswers(Duration.ofSeconds(1));
        transaction.commit(Map.of(), null);
        assertEquals(1, broker.history().size(), "committed");
        assertFalse(transaction.wrote());

        write("b");
        long start = System.nanoTime();
        transaction.awaitAnswers(Duration.ofMillis(50));
        assertTrue(System.nanoTime() - start >= Duration.ofMillis(50).toNanos(),
                "the unanswered write of the new transaction is waited for");
    }

    @Test
    void aTopicNotAuthorisedOrMissingIsUnwritableWhereverTheFailureWrapsIt() {
        assertTrue(KafkaTransaction.isTopicUnwritable(new org.apache.kafka.common.KafkaException("Cannot execute "
                + "transactional method because we are in an error state",
                new org.apache.kafka.common.errors.TopicAuthorizationException("Not authorized to access topics: [out]"))));
        assertTrue(KafkaTransaction.isTopicUnwritable(
                new org.apache.kafka.common.errors.UnknownTopicOrPartitionException("out")));
        assertTrue(KafkaTransaction.isTopicUnwritable(new org.apache.kafka.common.errors.TimeoutException(
                "Topic out not present in metadata after 1000 ms.")));
        assertFalse(KafkaTransaction.isTopicUnwritable(new org.apache.kafka.common.errors.TimeoutException(
                "Expiring 3 record(s) for out-0: 120000 ms has passed since batch creation")));
        assertFalse(KafkaTransaction.isTopicUnwritable(new NotEnoughReplicasException("min.insync.replicas")));
    }
}
