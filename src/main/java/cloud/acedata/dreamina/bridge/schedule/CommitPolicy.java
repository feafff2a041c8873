package cloud.acedata.dreamina.bridge.schedule;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetCommitCallback;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.OffsetMetadataTooLarge;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * When and what the scheduler commits, and what it believes committed: only what the broker acknowledged.
 * <ul>
 *   <li>While running: every {@code interval}, one asynchronous commit at a time, of the partitions whose commit
 *       point or done set changed since the last acknowledged commit — so a record that waits long never freezes
 *       what is done behind it for more than an interval, and the metadata is built only when it is sent.</li>
 *   <li>At a stop or a revocation: synchronously, for the partitions leaving.</li>
 *   <li>A failed commit is not remembered as sent: the next round sends it again. A broker that refuses the metadata
 *       ({@code offset.metadata.max.bytes}) gets commits without it from then on, said once: records done beyond a
 *       commit may then be handled again after a crash, never lost.</li>
 * </ul>
 */
final class CommitPolicy {

    /** The consumer's two commit calls (the scheduler's consumer; a fake in unit tests). */
    interface Committer {
        void commitAsync(Map<TopicPartition, OffsetAndMetadata> offsets, OffsetCommitCallback callback);

        void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets);
    }

    private static final Logger LOG = LoggerFactory.getLogger(CommitPolicy.class);

    private final long interval;
    private long nextAt;
    private boolean asyncInFlight;
    private boolean withMetadata = true;

    /** @param interval millis between two running commits */
    CommitPolicy(long interval) {
        this.interval = interval;
    }

    /** Under exactly-once: whether the interval has passed (the scheduler then commits its transaction). */
    boolean due(long now) {
        if (now < nextAt) {
            return false;
        }
        nextAt = now + interval;
        return true;
    }

    /** While running: commits what changed, when the interval has passed and no earlier commit is unanswered. */
    void maybeCommit(PendingRecords records, Committer committer, long now) {
        if (now < nextAt || asyncInFlight) {
            return;
        }
        nextAt = now + interval;
        List<PendingRecords.Commit> commits = records.commits(records.partitions(), withMetadata);
        if (commits.isEmpty()) {
            return;
        }
        asyncInFlight = true;
        try {
            committer.commitAsync(offsets(commits), (offsets, failure) -> {
                asyncInFlight = false;
                answered(records, commits, failure);
            });
        } catch (KafkaException e) {
            asyncInFlight = false;
            answered(records, commits, e);
        }
    }

    /**
     * At a stop or a revocation: commits {@code partitions} now and waits for the answer; a refused metadata is
     * dropped and the commit sent again at once.
     *
     * @return whether everything that needed committing was acknowledged
     */
    boolean commitNow(PendingRecords records, Committer committer, Collection<TopicPartition> partitions) {
        for (int attempt = 0; attempt < 2; attempt++) {
            List<PendingRecords.Commit> commits = records.commits(partitions, withMetadata);
            if (commits.isEmpty()) {
                return true;
            }
            try {
                committer.commitSync(offsets(commits));
                answered(records, commits, null);
                return true;
            } catch (KafkaException e) {
                boolean metadataRefused = withMetadata && isMetadataRefused(e);
                answered(records, commits, e);
                if (!metadataRefused) {
                    return false;
                }
            }
        }
        return false;
    }

    /** Whether commits still carry the records done beyond them. */
    boolean sendsMetadata() {
        return withMetadata;
    }

    private void answered(PendingRecords records, List<PendingRecords.Commit> commits, Exception failure) {
        if (failure == null) {
            commits.forEach(records::acknowledged);
            return;
        }
        if (withMetadata && isMetadataRefused(failure)) {
            withMetadata = false;
            nextAt = 0;
            LOG.warn("The broker refuses the commit metadata naming the pending records done beyond a commit "
                    + "(offset.metadata.max.bytes): commits go without it from now on; after a crash those records "
                    + "may be handled again");
            return;
        }
        LOG.warn("Committing handled pending tasks failed; sent again in {} ms: {}", interval, failure.toString());
    }

    private static boolean isMetadataRefused(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof OffsetMetadataTooLarge) {
                return true;
            }
        }
        return false;
    }

    private static Map<TopicPartition, OffsetAndMetadata> offsets(List<PendingRecords.Commit> commits) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new LinkedHashMap<>();
        commits.forEach(c -> offsets.put(c.partition(), new OffsetAndMetadata(c.offset(), c.metadata())));
        return offsets;
    }
}
