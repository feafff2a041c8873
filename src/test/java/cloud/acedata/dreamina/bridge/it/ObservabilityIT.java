package cloud.acedata.dreamina.bridge.it;

import cloud.acedata.dreamina.bridge.camel.SchedulerLifecycle;
import cloud.acedata.dreamina.bridge.observe.Observability;
import cloud.acedata.dreamina.bridge.simulator.Fault;
import cloud.acedata.dreamina.bridge.simulator.SimulatedTask;
import cloud.acedata.dreamina.bridge.simulator.TaskScript;
import cloud.acedata.dreamina.bridge.simulator.TokenState;
import cloud.acedata.dreamina.bridge.support.BridgeInstance;
import cloud.acedata.dreamina.bridge.support.BridgeTestSupport;
import cloud.acedata.dreamina.bridge.support.ManagementPort;
import cloud.acedata.dreamina.bridge.support.ManagementPort.Answer;
import cloud.acedata.dreamina.bridge.support.Canary;
import cloud.acedata.dreamina.bridge.support.KafkaBroker;
import cloud.acedata.dreamina.bridge.support.LogRecorder;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static cloud.acedata.dreamina.bridge.support.Waiting.within;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The management port over HTTP, against a real broker and the API simulator: Prometheus metrics with the
 * bridge's figures, and every health transition as an orchestrator sees it (status code and JSON).
 */
class ObservabilityIT extends BridgeTestSupport {

    private static final Duration DEADLINE = Duration.ofSeconds(60);

    private BridgeInstance bridge;
    private int port;

    @Override
    protected String topicPrefix() {
        return "observe";
    }

    /** The lag probe runs often here: a broker outage shows within a second. */
    @BeforeEach
    void probeKafkaOften() {
        settings.put("dreamina.health.kafka-probe-interval", "300ms");
        settings.put("dreamina.health.kafka-probe-timeout", "2s");
    }

    private void startBridge() throws Exception {
        bridge = startBridge(settings);
        port = bridge.bean(Observability.BEAN, Observability.class).managementPort();
        assertTrue(port > 0, "a management port");
    }

    @Test
    void metricsShowTheBridgesFiguresInPrometheusTextAndNeverATaskId() throws Exception {
        SimulatedTask first = api.createTask(TaskScript.done(Duration.ofMillis(300)));
        SimulatedTask second = api.createTask(TaskScript.done(Duration.ofMillis(300)));
        startBridge();
        kafka.send(topics.in(), null, first.id().getBytes(StandardCharsets.UTF_8));
        kafka.send(topics.in(), null, second.id().getBytes(StandardCharsets.UTF_8));
        kafka.send(topics.in(), "bad", "not an id!".getBytes(StandardCharsets.UTF_8));
        kafka.awaitRecords(topics.out(), 2, DEADLINE);
        kafka.awaitRecords(topics.dlq(), 1, DEADLINE);

        Answer metrics = within(DEADLINE)
                .alias("two published tasks and none in flight")
                .until(() -> get("/observe/metrics"), a -> a.body().contains("dreamina_tasks_published_total 2.0")
                        && a.body().contains("dreamina_tasks_in_flight 0.0"));
        assertEquals(200, metrics.status());
        String text = metrics.body();
        assertTrue(text.contains("dreamina_tasks_ingested_total{result=\"accepted\"} 2.0"), text);
        assertTrue(text.contains("dreamina_tasks_ingested_total{result=\"invalid\"} 1.0"), text);
        assertTrue(text.contains("dreamina_tasks_dead_lettered_total{code=\"invalid_input\"} 1.0"), text);
        assertTrue(text.contains("dreamina_polls_total{outcome=\"done\"} 2.0"), text);
        assertTrue(text.contains("dreamina_api_requests_seconds_bucket{status=\"200\""), "API latency histogram");
        assertTrue(text.contains("dreamina_api_request_ids_count"), text);
        assertTrue(text.contains("dreamina_api_rate_limiter_wait_seconds_count"), text);
        assertTrue(text.contains("dreamina_tasks_ingest_to_done_seconds_count 2"), text);
        assertTrue(text.contains("dreamina_api_gate_state{state=\"open\"} 1.0"), text);
        assertTrue(text.contains("dreamina_api_credential_rejected 0.0"), text);
        assertTrue(text.contains("dreamina_tasks_oldest_due_age_seconds"), text);
        assertTrue(text.contains("dreamina_kafka_write_retries_total") || !text.contains("write_retries"), text);
        assertTrue(text.contains("kafka_consumer_fetch_manager_records_consumed_total"), "consumer client metrics");
        assertTrue(text.contains("kafka_producer_record_send_total"), "producer client metrics");
        assertTrue(text.contains("jvm_memory_used_bytes"), "JVM binders");
        assertTrue(text.contains("camel_exchanges_seconds_count{failed=\"false\",routeId=\"poll-tasks\"}"),
                "Camel's route meters");
        assertFalse(text.contains(first.id()) || text.contains(second.id()), "no task id in any label");
        assertFalse(text.contains(Canary.TOKEN), "no token");

        Answer ready = within(DEADLINE)
                .alias("ready")
                .until(() -> get("/observe/health/ready"), a -> a.status() == 200);
        assertEquals("UP", ready.json().path("status").asText());
        for (String check : List.of("dreamina-scheduler", "dreamina-api", "dreamina-kafka")) {
            assertEquals("UP", ready.check(check).path("status").asText(), ready.body());
        }
        Answer live = get("/observe/health/live");
        assertEquals(200, live.status());
        assertEquals("UP", live.check("dreamina-scheduler-live").path("status").asText());
    }

    @Test
    void aRefusedTokenMakesTheBridgeNotReadyUntilTheApiAcceptsItAgain() throws Exception {
        startBridge();
        within(DEADLINE).alias("ready at start").until(() -> get("/observe/health/ready"), a -> a.status() == 200);

        api.tokenState(TokenState.INVALID);
        SimulatedTask task = api.createTask(TaskScript.done(Duration.ofMillis(100)));
        kafka.send(topics.in(), null, task.id().getBytes(StandardCharsets.UTF_8));
        Answer refused = within(DEADLINE)
                .alias("not ready while the token is refused")
                .until(() -> get("/observe/health/ready"), a -> a.status() == 503 && a.isDown("dreamina-api"));
        assertEquals("DOWN", refused.json().path("status").asText());
        assertEquals("DOWN", refused.check("dreamina-api").path("status").asText());
        assertEquals("the Tasks API refuses the token", refused.check("dreamina-api").path("message").asText());
        assertEquals("paused", refused.check("dreamina-api").path("details").path("gate.state").asText());
        assertTrue(get("/observe/metrics").body().contains("dreamina_api_credential_rejected 1.0"));
        assertEquals(200, get("/observe/health/live").status(), "still alive: a restart would not help");

        api.tokenState(TokenState.VALID);
        Answer back = within(DEADLINE)
                .alias("ready again once the token is accepted")
                .until(() -> get("/observe/health/ready"), a -> a.status() == 200);
        assertEquals("UP", back.check("dreamina-api").path("status").asText());
        kafka.awaitRecords(topics.out(), 1, DEADLINE);
    }

    @Test
    void anApiBackingOffLongerThanTheBoundMakesTheBridgeNotReady() throws Exception {
        settings.put("dreamina.health.api-unavailable-max", "1s");
        startBridge();
        within(DEADLINE).alias("ready at start").until(() -> get("/observe/health/ready"), a -> a.status() == 200);

        apiFaults.failAlways(Fault.status(500, "api_error"));
        SimulatedTask task = api.createTask(TaskScript.done(Duration.ofMillis(100)));
        kafka.send(topics.in(), null, task.id().getBytes(StandardCharsets.UTF_8));
        Answer down = within(DEADLINE)
                .alias("not ready after the API was unavailable for longer than the bound")
                .until(() -> get("/observe/health/ready"), a -> a.status() == 503 && a.isDown("dreamina-api"));
        JsonNode check = down.check("dreamina-api");
        assertEquals("DOWN", check.path("status").asText());
        assertTrue(check.path("details").path("api.failing.seconds").asLong() >= 1, down.body());
        assertTrue(check.path("message").asText().contains("unavailable for more than 1 s"), down.body());
        assertTrue(get("/observe/metrics").body().contains("dreamina_api_requests_seconds_count{status=\"500\"}"));

        apiFaults.clearFaults();
        within(DEADLINE)
                .alias("ready again once the API answers")
                .until(() -> get("/observe/health/ready"), a -> a.status() == 200);
        kafka.awaitRecords(topics.out(), 1, DEADLINE);
    }

    @Test
    void aDeadSchedulerMakesTheBridgeNotLiveAndNotReady() throws Exception {
        startBridge();
        within(DEADLINE).alias("live at start").until(() -> get("/observe/health/live"), a -> a.status() == 200);

        bridge.bean("schedulerLifecycle", SchedulerLifecycle.class).scheduler().stop();
        Answer dead = get("/observe/health/live");
        assertEquals(503, dead.status());
        assertEquals("DOWN", dead.json().path("status").asText());
        assertEquals("pending-task scheduler thread is not running",
                dead.check("dreamina-scheduler-live").path("message").asText());
        Answer ready = get("/observe/health/ready");
        assertEquals(503, ready.status());
        assertEquals("DOWN", ready.check("dreamina-scheduler").path("status").asText());
    }

    @Test
    void anUnreachableBrokerMakesTheBridgeNotReadyUntilItIsBack() throws Exception {
        startBridge();
        within(DEADLINE).alias("ready at start").until(() -> get("/observe/health/ready"), a -> a.status() == 200);
        try {
            KafkaBroker.embedded().stopBroker();
            Answer down = within(DEADLINE)
                    .alias("not ready while the broker is down")
                    .until(() -> get("/observe/health/ready"), a -> a.status() == 503 && a.isDown("dreamina-kafka"));
            assertEquals("DOWN", down.check("dreamina-kafka").path("status").asText());
            assertTrue(down.check("dreamina-kafka").path("message").asText().startsWith("Kafka broker unreachable"));
        } finally {
            KafkaBroker.embedded().restartBroker();
        }
        Answer up = within(DEADLINE)
                .alias("ready again once the broker is back")
                .until(() -> get("/observe/health/ready"), a -> a.status() == 200);
        assertEquals("UP", up.check("dreamina-kafka").path("status").asText());
    }

    @Test
    void theProgressLineCarriesTheSameFiguresAsTheMetrics() throws Exception {
        settings.put("dreamina.log.progress-interval", "500ms");
        SimulatedTask task = api.createTask(TaskScript.done(Duration.ofMillis(200)));
        try (LogRecorder log = LogRecorder.start("dreamina.bridge.progress")) {
            startBridge();
            kafka.send(topics.in(), null, task.id().getBytes(StandardCharsets.UTF_8));
            kafka.send(topics.in(), null, "{".getBytes(StandardCharsets.UTF_8));
            kafka.awaitRecords(topics.out(), 1, DEADLINE);
            LogRecorder.Entry line = within(DEADLINE)
                    .alias("a progress line with the final figures")
                    .until(() -> log.containing("Progress: ingested 2 (invalid 1), in flight 0, published 1, "
                            + "dead-lettered 1 {invalid_input=1}").stream().findFirst().orElse(null), e -> e != null);
            assertTrue(line.text().contains("gate open"), line.text());
            assertTrue(line.text().matches(".*API [0-9.]+ requests/s, 429s 0 \\(total 0\\).*"), line.text());
            String metrics = get("/observe/metrics").body();
            assertTrue(metrics.contains("dreamina_tasks_ingested_total{result=\"accepted\"} 1.0"), metrics);
            assertTrue(metrics.contains("dreamina_tasks_published_total 1.0"), metrics);
        }
    }

    private Answer get(String path) {
        return new ManagementPort(port).get(path);
    }
}
