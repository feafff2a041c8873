package cloud.acedata.dreamina.bridge.schedule;

import cloud.acedata.dreamina.bridge.task.BridgeHeaders;
import cloud.acedata.dreamina.bridge.task.PendingTask;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.state.Action;
import net.jqwik.api.state.ActionChain;
import net.jqwik.api.state.Transformer;
import org.apache.kafka.common.TopicPartition;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@link PendingRecords} as a state machine: random chains of the events the scheduler's loop feeds it — records
 * produced and read, batches dispatched, results of every kind (written, written in part, API unavailable, request
 * failed), batches given up, partitions revoked (with or without a last commit, as at a crash) and assigned again,
 * commits acknowledged or lost, time passing — with the invariants checked after every step:
 * <ol>
 *   <li>every record read and not yet below the commit point is in exactly one state, and its ledger says the
 *       same: waiting in exactly one place, in exactly one batch in flight, done, or to be read again;</li>
 *   <li>the committed offset never goes back;</li>
 *   <li>nothing is lost: every task produced was published, or the broker's commit still leads a next owner to one
 *       of its records (at or beyond the committed offset and not named done in the metadata);</li>
 *   <li>memory is bounded by what is in flight: no ledger keeps records below its commit point.</li>
 * </ol>
 * The topic, the consumer's positions and the broker's commits are a small model here; the API's answers and the
 * writes are the random results.
 */
class PendingRecordsPropertiesTest {

    private static final String TOPIC = "pending";
    private static final int PARTITIONS = 3;

    @Property(tries = 300)
    void everyRecordIsInExactlyOneStateAndNothingIsLost(@ForAll("chains") ActionChain<World> chain) {
        chain.withInvariant("one state each", World::eachRecordInExactlyOneState)
                .withInvariant("nothing lost", World::nothingLost)
                .withInvariant("memory bounded", World::memoryBounded)
                .run();
    }

    @Provide
    Arbitrary<ActionChain<World>> chains() {
        Arbitrary<Integer> partition = Arbitraries.integers().between(0, PARTITIONS - 1);
        Arbitrary<Integer> small = Arbitraries.integers().between(0, 7);
        Arbitrary<Long> bits = Arbitraries.longs();
        return ActionChain.<World>startWith(World::new)
                .withAction(4, action(Combinators.combine(partition, Arbitraries.integers().between(-100, 400))
                        .as((p, due) -> Transformer.<World>mutate("produce p" + p + " due " + due,
                                w -> w.produce(p, due)))))
                .withAction(4, action(Combinators.combine(partition, small)
                        .as((p, n) -> Transformer.<World>mutate("read p" + p + " x" + n, w -> w.read(p, n + 1)))))
                .withAction(4, action(Combinators.combine(small, Arbitraries.of(true, true, false))
                        .as((size, open) -> Transformer.<World>mutate("dispatch " + (size % 4 + 1) + (open ? "" : " api closed"),
                                w -> w.dispatch(size % 4 + 1, open)))))
                .withAction(5, action(Combinators.combine(small, Arbitraries.of(Outcome.values()), bits)
                        .as((which, outcome, written) -> Transformer.<World>mutate("finish #" + which + " " + outcome
                                + " " + Long.toBinaryString(written & 0xff), w -> w.finish(which, outcome, written)))))
                .withAction(1, action(partition.map(p -> Transformer.<World>mutate("give up p" + p, w -> w.giveUp(p)))))
                .withAction(2, action(small.map(which -> Transformer.<World>mutate("claim #" + which
                        + " for writing", w -> w.claim(which)))))
                .withAction(1, action(Combinators.combine(partition, Arbitraries.of(true, false))
                        .as((p, last) -> Transformer.<World>mutate("revoke p" + p + (last ? " after a last commit" : " (lost)"),
                                w -> w.revoke(p, last)))))
                .withAction(2, action(partition.map(p -> Transformer.<World>mutate("assign p" + p, w -> w.assign(p)))))
                .withAction(3, action(Combinators.combine(Arbitraries.of(true, true, false), Arbitraries.of(true,
                                true, false))
                        .as((ack, metadata) -> Transformer.<World>mutate("commit" + (ack ? "" : " (lost)")
                                + (metadata ? "" : " without metadata"), w -> w.commit(ack, metadata)))))
                .withAction(2, action(Arbitraries.integers().between(1, 600)
                        .map(ms -> Transformer.<World>mutate("tick " + ms, w -> w.tick(ms)))))
                .withMaxTransformations(80);
    }

    /** An action whose transformations do not depend on the state (each applies where it makes sense). */
    private static Action.Independent<World> action(Arbitrary<Transformer<World>> transformers) {
        return () -> transformers;
    }

    enum Outcome { FINISHED, NOT_FINISHED, MIXED, WRITE_FAILED, API_UNAVAILABLE, REQUEST_FAILED }

    /** A pending record in the model topic. */
    record Rec(String taskId, long due, String source) {
    }

    /** The topic, the consumer, the broker's commits and the API, around the {@link PendingRecords} under test. */
    static final class World {
        final Map<TopicPartition, List<Rec>> log = new HashMap<>();
        final Map<TopicPartition, Long> position = new HashMap<>();
        final Map<TopicPartition, long[]> committedOffset = new HashMap<>();
        final Map<TopicPartition, String> committedMetadata = new HashMap<>();
        final Set<String> produced = new HashSet<>();
        final Set<String> published = new HashSet<>();
        final Set<BatchTicket> claimed = new HashSet<>();
        long now = 1_000_000;
        int next;
        final PendingRecords records = new PendingRecords(300, 50, n -> 100L << Math.min(n, 4),
                new SplittableRandom(7));

        World() {
            for (int p = 0; p < PARTITIONS; p++) {
                log.put(tp(p), new ArrayList<>());
            }
            assign(0);
        }

        static TopicPartition tp(int p) {
            return new TopicPartition(TOPIC, p);
        }

        void produce(int p, int dueIn) {
            String id = "t" + next++;
            produced.add(id);
            log.get(tp(p)).add(new Rec(id, now + dueIn, null));
        }

        void read(int p, int max) {
            TopicPartition partition = tp(p);
            if (!records.owns(partition) || records.paused(now).contains(partition)) {
                return;
            }
            List<Rec> recs = log.get(partition);
            long offset = position.get(partition);
            for (int n = 0; n < max && offset < recs.size(); n++, offset++) {
                if (records.take(partition, offset, task(recs.get((int) offset)), now)
                        == PendingRecords.Intake.NOT_DUE) {
                    break;
                }
            }
            position.put(partition, offset);
        }

        void dispatch(int size, boolean apiOpen) {
            records.nextBatch(now, size, apiOpen);
        }

        void finish(int which, Outcome outcome, long bits) {
            List<Batch> batches = records.batches();
            if (batches.isEmpty()) {
                return;
            }
            Batch batch = batches.get(which % batches.size());
            List<PendingTask> tasks = PendingRecords.tasks(batch);
            boolean writing = claimed.contains(batch.ticket());
            if (writing && (outcome == Outcome.API_UNAVAILABLE || outcome == Outcome.REQUEST_FAILED)) {
                outcome = Outcome.WRITE_FAILED; // a batch writing has its answer already
            }
            BatchResult result;
            if (batch.kind() == Batch.Kind.WRITE_BACK) {
                BitSet written = outcome == Outcome.WRITE_FAILED ? bits(bits, tasks.size()) : all(tasks.size());
                written.stream().forEach(i -> append(tasks.get(i)));
                result = new BatchResult(written.cardinality() == tasks.size() ? BatchResult.Kind.DONE
                        : BatchResult.Kind.WRITE_FAILED, written, "model", null);
            } else {
                result = switch (outcome) {
                    case API_UNAVAILABLE -> BatchResult.apiUnavailable("model", null);
                    case REQUEST_FAILED -> BatchResult.requestFailed("model");
                    default -> {
                        BitSet written = outcome == Outcome.WRITE_FAILED ? bits(bits, tasks.size())
                                : all(tasks.size());
                        for (int i = written.nextSetBit(0); i >= 0; i = written.nextSetBit(i + 1)) {
                            boolean finished = outcome == Outcome.FINISHED
                                    || (outcome != Outcome.NOT_FINISHED && (bits >>> i & 2) != 0);
                            if (finished) {
                                published.add(tasks.get(i).taskId());
                            } else {
                                append(tasks.get(i).with(BridgeHeaders.PENDING_DUE, String.valueOf(now + 200)));
                            }
                        }
                        yield new BatchResult(written.cardinality() == tasks.size() ? BatchResult.Kind.DONE
                                : BatchResult.Kind.WRITE_FAILED, written, "model", null);
                    }
                };
            }
            if (result.written().cardinality() > 0 && !writing) {
                assertTrue(batch.ticket().claimForWriting(), "a batch in flight may be written");
            }
            records.apply(batch, result, now, 100).forEach((partition, offset) -> {
                if (records.owns(partition)) {
                    position.put(partition, offset);
                }
            });
        }

        /** A copy written back, as the handler writes it: the task's headers as handed over (its source too). */
        private void append(PendingTask task) {
            String source = task.header(BridgeHeaders.PENDING_SOURCE);
            TopicPartition partition = TaskSource.parse(TOPIC, source).partition();
            log.get(partition).add(new Rec(task.taskId(), task.dueAtMillis(), source));
        }

        /** A worker begins to write a batch: from now on it cannot be given up, only finished. */
        void claim(int which) {
            List<Batch> batches = records.batches();
            if (!batches.isEmpty()) {
                Batch batch = batches.get(which % batches.size());
                if (claimed.contains(batch.ticket()) || batch.ticket().claimForWriting()) {
                    claimed.add(batch.ticket());
                }
            }
        }

        void giveUp(int p) {
            records.giveUp(Set.of(tp(p)));
        }

        void revoke(int p, boolean lastCommit) {
            TopicPartition partition = tp(p);
            if (!records.owns(partition)) {
                return;
            }
            records.giveUp(Set.of(partition));
            if (lastCommit) {
                acknowledge(records.commits(List.of(partition), true));
            }
            records.forget(List.of(partition));
            position.remove(partition);
        }

        void assign(int p) {
            TopicPartition partition = tp(p);
            if (records.owns(partition)) {
                return;
            }
            long[] committed = committedOffset.get(partition);
            records.assign(partition, committed == null ? -1 : committed[0],
                    committedMetadata.getOrDefault(partition, ""));
            position.put(partition, committed == null ? 0 : committed[0]);
        }

        void commit(boolean ack, boolean metadata) {
            List<PendingRecords.Commit> commits = records.commits(records.partitions(), metadata);
            if (ack) {
                acknowledge(commits);
            }
        }

        private void acknowledge(List<PendingRecords.Commit> commits) {
            for (PendingRecords.Commit commit : commits) {
                long[] before = committedOffset.get(commit.partition());
                if (before != null && commit.offset() < before[0]) {
                    fail("the committed offset of " + commit.partition() + " went back from " + before[0] + " to "
                            + commit.offset());
                }
                committedOffset.put(commit.partition(), new long[] {commit.offset()});
                committedMetadata.put(commit.partition(), commit.metadata());
                records.acknowledged(commit);
            }
        }

        void tick(int ms) {
            now += ms;
        }

        // ---- invariants ----

        void eachRecordInExactlyOneState() {
            Map<String, Integer> waiting = new HashMap<>();
            for (ReadyTasks.Entry entry : records.readyEntries()) {
                waiting.merge(entry.partition() + "@" + entry.offset(), 1, Integer::sum);
                assertEquals(PartitionLedger.State.READY, records.ledger(entry.partition()).state(entry.offset()),
                        "a waiting entry's ledger says ready: " + entry.partition() + "@" + entry.offset());
            }
            Map<String, Integer> flying = new HashMap<>();
            for (Batch batch : records.batches()) {
                for (ReadyTasks.Entry entry : batch.entries()) {
                    PartitionLedger ledger = records.ledger(entry.partition());
                    if (ledger != null && ledger.epoch() == batch.epochs().get(entry.partition())) {
                        flying.merge(entry.partition() + "@" + entry.offset(), 1, Integer::sum);
                        assertEquals(PartitionLedger.State.IN_FLIGHT, ledger.state(entry.offset()),
                                "an entry in flight: its ledger says in flight");
                    }
                }
            }
            for (TopicPartition partition : records.partitions()) {
                PartitionLedger ledger = records.ledger(partition);
                for (long offset : ledger.inState(PartitionLedger.State.READY)) {
                    String key = partition + "@" + offset;
                    assertEquals(1, waiting.getOrDefault(key, 0), key + " ready: waiting in exactly one place");
                    assertEquals(0, flying.getOrDefault(key, 0), key + " ready: in no batch");
                }
                for (long offset : ledger.inState(PartitionLedger.State.IN_FLIGHT)) {
                    String key = partition + "@" + offset;
                    assertEquals(1, flying.getOrDefault(key, 0), key + " in flight: in exactly one batch");
                    assertEquals(0, waiting.getOrDefault(key, 0), key + " in flight: not waiting");
                }
            }
        }

        void nothingLost() {
            Set<String> alive = new HashSet<>(published);
            log.forEach((partition, recs) -> {
                long[] committed = committedOffset.get(partition);
                long from = committed == null ? 0 : committed[0];
                NavigableSet<Long> done = DoneOffsets.decode(from, committedMetadata.getOrDefault(partition, ""));
                for (long offset = from; offset < recs.size(); offset++) {
                    if (!done.contains(offset)) {
                        alive.add(recs.get((int) offset).taskId());
                    }
                }
            });
            for (String id : produced) {
                assertTrue(alive.contains(id), id + " lost: not published, and no record of it left to handle");
            }
        }

        void memoryBounded() {
            for (TopicPartition partition : records.partitions()) {
                PartitionLedger ledger = records.ledger(partition);
                long point = Math.max(0, ledger.commitPoint());
                assertTrue(ledger.size() <= log.get(partition).size() - point,
                        "the ledger holds at most the records between its commit point and the log's end");
                for (PartitionLedger.State state : PartitionLedger.State.values()) {
                    assertTrue(ledger.inState(state).stream().allMatch(o -> o >= point),
                            "nothing kept below the commit point " + point);
                }
            }
        }

        private static PendingTask task(Rec rec) {
            Map<String, byte[]> headers = new LinkedHashMap<>();
            headers.put(BridgeHeaders.TASK_ID, rec.taskId().getBytes(StandardCharsets.UTF_8));
            headers.put(BridgeHeaders.PENDING_DUE, String.valueOf(rec.due()).getBytes(StandardCharsets.UTF_8));
            if (rec.source() != null) {
                headers.put(BridgeHeaders.PENDING_SOURCE, rec.source().getBytes(StandardCharsets.UTF_8));
            }
            return new PendingTask(null, new byte[0], headers);
        }

        private static BitSet bits(long bits, int size) {
            BitSet set = BitSet.valueOf(new long[] {bits});
            return set.get(0, size);
        }

        private static BitSet all(int size) {
            BitSet set = new BitSet(size);
            set.set(0, size);
            return set;
        }
    }
}
