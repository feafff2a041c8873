package cloud.acedata.dreamina.bridge.delivery;

import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The routes' door into the poll path's transaction, on Kafka's own in-memory producer (sends stay unanswered until
 * the test answers them): a write is done when the transaction holds it, a broker's refusal spoils the transaction
 * and is not told to the route a second time.
 */
class TransactionBoundProducerTest {

    /** One answer a route's callback got: metadata or failure. */
    private record Answer(RecordMetadata metadata, Exception failure) {
    }

    private MockProducer<byte[], byte[]> broker;
    private KafkaTransaction transaction;
    private TransactionBoundProducer producer;
    private final List<Answer> answers = new ArrayList<>();

    @BeforeEach
    void setUp() {
        broker = new MockProducer<>(false, null, new ByteArraySerializer(),
                new ByteArraySerializer());
        transaction = KafkaTransaction.open(broker, new RecordSizeLimit(1_000));
        producer = boundTo(transaction);
    }

    /** A route's producer, as a kafka: endpoint with String key and value gets it, writing into {@code open}. */
    private static TransactionBoundProducer boundTo(KafkaTransaction open) {
        RouteTransaction routes = new RouteTransaction();
        routes.set(open);
        Properties properties = new Properties();
        properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return new TransactionBoundProducer(routes, properties);
    }

    private Future<RecordMetadata> send(String topic, String value) {
        return producer.send(new ProducerRecord<>(topic, "key-1", value),
                (metadata, failure) -> answers.add(new Answer(metadata, failure)));
    }

    @Test
    void aWriteIsDoneOnceTheTransactionHoldsItBeforeTheBrokerAnswers() throws Exception {
        Future<RecordMetadata> sent = send("out", "done");

        assertEquals(1, answers.size(), "the route goes on at once, in its own thread");
        Answer answer = answers.get(0);
        assertNull(answer.failure());
        assertEquals("out", answer.metadata().topic());
        assertEquals(-1, answer.metadata().offset(), "the offset is not known before the commit");
        assertEquals(5, answer.metadata().serializedKeySize());
        assertEquals(4, answer.metadata().serializedValueSize());
        assertTrue(sent.isDone());
        assertSame(answer.metadata(), sent.get());

        assertEquals(1, broker.uncommittedRecords().size(), "the record is in the transaction");
        assertTrue(broker.transactionInFlight());
        assertTrue(transaction.wrote());
    }

    @Test
    void anInterruptedRouteThreadStillHearsItsWriteWasHeld() {
        // Answered at once: the producer's future is done when send returns, and its get() checks the interrupt.
        MockProducer<byte[], byte[]> answering = new MockProducer<>(true, null, new ByteArraySerializer(),
                new ByteArraySerializer());
        producer = boundTo(KafkaTransaction.open(answering, new RecordSizeLimit(1_000)));
        Thread.currentThread().interrupt();
        try {
            send("out", "done");
            assertTrue(Thread.currentThread().isInterrupted(), "the interrupt is kept for the route");
        } finally {
            Thread.interrupted();
        }
        assertEquals(1, answers.size());
        assertNull(answers.get(0).failure(), "held, not failed: the record is in the transaction");
    }

    @Test
    void aRecordTooLargeFailsAtOnceAndLeavesTheTransactionClean() {
        Future<RecordMetadata> sent = send("out", "x".repeat(2_000));

        assertEquals(1, answers.size());
        assertInstanceOf(RecordTooLargeException.class, answers.get(0).failure());
        assertNull(answers.get(0).metadata());
        assertTrue(sent.isDone());
        assertTrue(broker.uncommittedRecords().isEmpty(), "nothing was sent");
        assertNull(transaction.failure());
        assertFalse(transaction.wrote());
    }

    @Test
    void aWriteTheBrokerRefusesLaterSpoilsTheTransactionNotTheRoute() {
        send("out", "done");
        send("pending", "again");
        assertEquals(2, answers.size());

        RecordTooLargeException refused = new RecordTooLargeException("the topic's max.message.bytes");
        assertTrue(broker.errorNext(refused));

        assertSame(refused, transaction.failure(), "the commit sees it and aborts: the records are handled again");
        assertEquals(2, answers.size(), "each route was answered once: the refusal is the transaction's");
        assertTrue(answers.stream().allMatch(a -> a.failure() == null));
    }

    @Test
    void aSendThatFailsAsItIsMadeIsToldToTheRoute() {
        // As KafkaProducer fails a send whose topic is missing or not authorised: its metadata wait ends in the
        // failure, given to the callback and as a failed future before send returns.
        TimeoutException missing = new TimeoutException("Topic out not present in metadata after 1000 ms.");
        MockProducer<byte[], byte[]> refusing = new MockProducer<>(false, null, new ByteArraySerializer(),
                new ByteArraySerializer()) {
            @Override
            public synchronized Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record,
                                                            Callback callback) {
                callback.onCompletion(null, missing);
                return CompletableFuture.failedFuture(missing);
            }
        };
        KafkaTransaction spoiled = KafkaTransaction.open(refusing, new RecordSizeLimit(1_000));
        producer = boundTo(spoiled);

        send("out", "done");

        assertEquals(1, answers.size());
        assertSame(missing, answers.get(0).failure(), "the scheduler tells an unwritable topic by it");
        assertSame(missing, spoiled.failure(), "and the transaction is aborted");
    }

    @Test
    void theRoutesCannotRunTheTransaction() {
        for (Runnable call : List.<Runnable>of(producer::beginTransaction, producer::commitTransaction,
                producer::abortTransaction, producer::initTransactions,
                () -> producer.sendOffsetsToTransaction(Map.of(), null))) {
            UnsupportedOperationException refused = org.junit.jupiter.api.Assertions.assertThrows(
                    UnsupportedOperationException.class, call::run);
            assertTrue(refused.getMessage().contains("transacted=true"), refused.getMessage());
        }
        producer.close();
        assertFalse(broker.closed(), "closing the routes' producer closes nothing of the scheduler's");
    }
}
