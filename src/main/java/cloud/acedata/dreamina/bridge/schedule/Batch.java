package cloud.acedata.dreamina.bridge.schedule;

import org.apache.kafka.common.TopicPartition;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Records handed to a worker as one unit of work.
 *
 * @param kind    polled (the API is asked), or written back to wait (the API is not asked)
 * @param entries the records, in the order the handler gets their tasks
 * @param epochs  the epoch of each partition's ledger when the batch left: a result is applied to those epochs
 *                only, never to a later assignment of the same partition
 * @param ticket  the one decision the scheduler and the worker share: written completely, or given up
 */
record Batch(Kind kind, List<ReadyTasks.Entry> entries, Map<TopicPartition, Long> epochs, BatchTicket ticket) {

    enum Kind { POLL, WRITE_BACK }

    boolean touches(Set<TopicPartition> partitions) {
        for (TopicPartition partition : epochs.keySet()) {
            if (partitions.contains(partition)) {
                return true;
            }
        }
        return false;
    }
}
