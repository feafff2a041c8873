package cloud.acedata.dreamina.bridge.delivery;

import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.errors.UnsupportedVersionException;

import java.time.Duration;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One transactional producer and the transaction it has open: the writes of one hop of the bridge and the input
 * offsets they complete, committed or aborted together (KIP-98, and KIP-447's fencing through the consumer's group
 * metadata). Writes may come from several threads at once; {@link #commit} and {@link #abort} from one, while no
 * write is under way (see {@link TransactionGate}). A transaction begins with its first write or commit, so a
 * producer that is closed between two has none open (its close does not wait for an abort).
 *
 * <p>A record too large to be written is refused here, before it is sent ({@link RecordSizeLimit}), with the
 * {@link RecordTooLargeException} the producer would give: the transaction stays clean and the caller dead-letters
 * the record in its reduced form. Any other failed write spoils the transaction: {@link #failure()} says so, and the
 * owner must {@link #abort} it and handle its records again.
 */
public final class KafkaTransaction implements AutoCloseable {

    /** A transaction still open at the close is aborted by the broker anyway (timeout, or the next producer). */
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(2);

    private final Producer<byte[], byte[]> producer;
    private final RecordSizeLimit limits;
    private final AtomicBoolean wrote = new AtomicBoolean();
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private final Object beginning = new Object();
    private volatile boolean begun;
    /** The open transaction's writes not yet waited for by {@link #awaitAnswers}. */
    private volatile Queue<Future<RecordMetadata>> unanswered = new ConcurrentLinkedQueue<>();
    /** How many transactions this producer has ended: which one a send belongs to. */
    private final AtomicLong transactions = new AtomicLong();

    private final TransactionEvents events;
    private final String hop;

    private KafkaTransaction(Producer<byte[], byte[]> producer, RecordSizeLimit limits, TransactionEvents events,
                             String hop) {
        this.producer = producer;
        this.limits = limits;
        this.events = events;
        this.hop = hop;
    }

    /**
     * Registers the producer's transactional id with the broker — which aborts what an earlier producer with the
     * same id left open and fences it.
     */
    public static KafkaTransaction open(Producer<byte[], byte[]> producer, RecordSizeLimit limits) {
        return open(producer, limits, TransactionEvents.NONE, "");
    }

    /** @param events told of each transaction of this {@code hop} committed or aborted (the metrics) */
    public static KafkaTransaction open(Producer<byte[], byte[]> producer, RecordSizeLimit limits,
                                        TransactionEvents events, String hop) {
        try {
            producer.initTransactions();
        } catch (RuntimeException e) {
            producer.close(Duration.ZERO);
            throw e;
        }
        return new KafkaTransaction(producer, limits, events, hop);
    }

    /** Sends a record in the open transaction; a record too large fails at once, leaving the transaction clean. */
    public Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record, Callback callback) {
        int size = RecordSizeLimit.sizeOf(record);
        if (!limits.fits(record.topic(), size)) {
            RecordTooLargeException tooLarge = new RecordTooLargeException(limits.why(record.topic(), size));
            if (callback != null) {
                callback.onCompletion(null, tooLarge);
            }
            return CompletableFuture.failedFuture(tooLarge);
        }
        wrote.set(true);
        long sentIn = transactions.get();
        try {
            begin();
            return unanswered(producer.send(record, (metadata, exception) -> {
                // Only the transaction's first failure tells about its own record: once it has failed, the producer
                // fails every batch still queued with that same exception (a RecordTooLargeException for records
                // of any size, on any topic), and learning a limit from those would shrink it to nothing.
                // A late answer for a transaction already aborted says nothing about the open one.
                if (exception != null && sentIn == transactions.get() && failure.compareAndSet(null, exception)
                        && exception instanceof RecordTooLargeException) {
                    limits.refused(record.topic(), size);
                }
                if (callback != null) {
                    callback.onCompletion(metadata, exception);
                }
            }));
        } catch (KafkaException e) {
            failure.compareAndSet(null, e);
            throw e;
        }
    }

    /**
     * Sends a record in the open transaction past the size check: a probe of whether a topic now takes a record it
     * refused before (its limit may have been raised). A refusal spoils the transaction: abort it.
     */
    public Future<RecordMetadata> sendUnchecked(ProducerRecord<byte[], byte[]> record) {
        wrote.set(true);
        begin();
        return unanswered(producer.send(record));
    }

    private Future<RecordMetadata> unanswered(Future<RecordMetadata> write) {
        unanswered.add(write);
        return write;
    }

    /** Whether anything was sent in the open transaction. */
    public boolean wrote() {
        return wrote.get();
    }

    /** The first write that failed in the open transaction (it must be aborted), or null. */
    public Exception failure() {
        return failure.get();
    }

    /**
     * Commits the open transaction with {@code offsets} of the group {@code group} (none: only the writes); nothing
     * when no transaction began and there are no offsets. The next write begins the next one.
     *
     * @throws KafkaException when the commit failed: {@link #isFatal fatal}, or to be {@link #abort aborted}
     */
    public void commit(Map<TopicPartition, OffsetAndMetadata> offsets, ConsumerGroupMetadata group) {
        Exception failed = failure.get();
        if (failed != null) {
            throw new KafkaException("a write of this transaction failed: " + failed, failed);
        }
        if (offsets.isEmpty() && !begun) {
            return;
        }
        begin();
        if (!offsets.isEmpty()) {
            producer.sendOffsetsToTransaction(offsets, group);
        }
        producer.commitTransaction();
        next();
        events.committed(hop);
    }

    /**
     * Waits, at most {@code timeout}, for the broker's answers to the writes sent so far in the open transaction, while
     * other threads may go on writing: what is left for the {@link #commit} to wait for is then only what was written
     * since. A failed answer is not thrown here: it is the transaction's {@link #failure()}, and the commit aborts.
     */
    public void awaitAnswers(Duration timeout) {
        Queue<Future<RecordMetadata>> writes = unanswered;
        unanswered = new ConcurrentLinkedQueue<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Future<RecordMetadata> write : writes) {
            try {
                write.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (ExecutionException refused) {
                // the commit fails on it: a refused write leaves the producer's transaction in error (a send() also
                // records it as failure())
            } catch (TimeoutException e) {
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Aborts the open transaction, if one began: none of its writes will be seen by a read_committed consumer. The
     * next write begins the next one.
     */
    public void abort() {
        boolean aborted = begun;
        if (aborted) {
            producer.abortTransaction();
        }
        next();
        if (aborted) {
            events.aborted(hop);
        }
    }

    private void begin() {
        if (!begun) {
            synchronized (beginning) {
                if (!begun) {
                    producer.beginTransaction();
                    begun = true;
                }
            }
        }
    }

    private void next() {
        unanswered = new ConcurrentLinkedQueue<>();
        transactions.incrementAndGet();
        wrote.set(false);
        failure.set(null);
        begun = false;
    }

    /** The producer itself, for what it knows about partitions. */
    public Producer<byte[], byte[]> producer() {
        return producer;
    }

    /**
     * Whether this failure ends the producer for good: fenced by a newer producer with the same transactional id (or
     * a newer member of the group), or refused by the broker (no ACL, transactions not supported). An abortable
     * failure is any other.
     */
    public static boolean isFatal(Throwable failure) {
        return isFenced(failure) || isRefused(failure);
    }

    /** Fenced: another instance took this one's place. */
    public static boolean isFenced(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ProducerFencedException || t instanceof InvalidProducerEpochException
                    || t instanceof FencedInstanceIdException) {
                return true;
            }
        }
        return false;
    }

    /** Refused: the broker does not let this bridge use transactions. */
    public static boolean isRefused(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof TransactionalIdAuthorizationException || t instanceof ClusterAuthorizationException
                    || t instanceof UnsupportedVersionException || t instanceof AuthenticationException) {
                return true;
            }
        }
        return false;
    }

    /**
     * A write refused because of its topic: not authorised (or the bridge not authorised at all), or missing
     * (auto-creation off) — no retry helps until an operator acts. Found as the send is made (the producer's
     * metadata wait) or in the broker's answer (a transaction's first write to a partition the bridge may not
     * write).
     */
    public static boolean isTopicUnwritable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof AuthorizationException || t instanceof UnknownTopicOrPartitionException
                    || (t instanceof org.apache.kafka.common.errors.TimeoutException
                    && String.valueOf(t.getMessage()).contains("not present in metadata"))) {
                return true;
            }
        }
        return false;
    }

    /** Closes the producer; an open transaction is aborted by the broker (or by the next producer of the same id). */
    @Override
    public void close() {
        producer.close(CLOSE_TIMEOUT);
    }
}
