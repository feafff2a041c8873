package cloud.acedata.dreamina.bridge.bench;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static cloud.acedata.dreamina.bridge.support.Waiting.within;

class ThreadCpuTest {

    @Test
    void aFamilyIsTheNameWithoutItsTrailingNumber() {
        assertEquals("kafka-scheduler-", ThreadCpu.family("kafka-scheduler-12"));
        assertEquals("pending-task-scheduler", ThreadCpu.family("pending-task-scheduler"));
        assertEquals("", ThreadCpu.family("42"));
        assertEquals("Camel (camel-) thread # - Split", ThreadCpu.family("Camel (camel-2) thread #17 - Split"));
    }

    @Test
    void newThreadsOfTheSubjectCountTheOthersDoNot() {
        ThreadCpu cpu = new ThreadCpu();
        assertTrue(cpu.isSubject("Camel (camel-3) thread #4 - KafkaConsumer[t.in]", false));
        assertTrue(cpu.isSubject("pending-task-scheduler", false));
        assertTrue(cpu.isSubject("kafka-producer-network-thread | producer-7", false));
        assertTrue(cpu.isSubject("kafka-coordinator-heartbeat-thread | bench-latency-1a2b.group", false));
        assertTrue(cpu.isSubject("a-pool-of-the-lead-1", false), "an unknown new thread is the subject's");

        assertFalse(cpu.isSubject("Camel (camel-1) thread #4 - Split", true), "alive before the subject started");
        assertFalse(cpu.isSubject("tasks-api-simulator-12", false));
        assertFalse(cpu.isSubject("kafka-producer-network-thread | " + WorkloadRun.FEED_CLIENT, false));
        assertFalse(cpu.isSubject("bench-output-watcher", false));
        assertFalse(cpu.isSubject("executor-Fetch", false));
        assertFalse(cpu.isSubject("data-plane-kafka-request-handler-3", false));
    }

    @Test
    void measuresTheCpuOfTheSubjectsThreadsOnly() throws Exception {
        ThreadCpu cpu = new ThreadCpu();
        CountDownLatch stop = new CountDownLatch(1);
        Thread subject = new Thread(() -> spin(stop), "pending-task-scheduler-under-test");
        Thread other = new Thread(() -> spin(stop), "tasks-api-simulator-under-test");
        cpu.start();
        subject.start();
        other.start();
        try {
            // Both threads spin; the subject's CPU is counted, and it grows (however busy the machine is).
            within(Duration.ofSeconds(30)).untilAsserted(() -> {
                cpu.sample();
                assertTrue(cpu.subjectSeconds() > 0.02,
                        () -> "CPU of the spinning subject thread, counted " + cpu.subjectSeconds() + " s");
            });
        } finally {
            stop.countDown();
            subject.join();
            other.join();
        }

        assertTrue(cpu.processSeconds() >= cpu.subjectSeconds());
        assertEquals(1, cpu.families().size(), cpu.families().toString());
        // The table rounds to milliseconds: the subject's family holds all of the subject's CPU (0.0204 s is 0.02).
        assertEquals(Stats.round(cpu.subjectSeconds(), 3), cpu.secondsByFamily().get("pending-task-scheduler-under-test"),
                cpu.secondsByFamily().toString());
        assertTrue(cpu.otherFamilies().containsKey("tasks-api-simulator-under-test"));
    }

    private static void spin(CountDownLatch stop) {
        long x = 0;
        while (stop.getCount() > 0) {
            x += System.nanoTime() % 7;
        }
        if (x == 42) {
            System.out.println(x);
        }
    }
}
