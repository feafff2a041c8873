package cloud.acedata.dreamina.bridge.camel;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The pending topic is the bridge's own: it is created at start when missing, with the configured partitions (the
 * most instances that can share the polling) and replication factor (-1: the broker's default).
 */
public final class PendingTopic {

    private static final Logger LOG = LoggerFactory.getLogger(PendingTopic.class);
    private static final long TIMEOUT_SECONDS = 30;

    private PendingTopic() {
    }

    public static void ensureExists(Properties adminProperties, String name, int partitions, short replication) {
        try (Admin admin = Admin.create(adminProperties)) {
            Set<String> topics = admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (topics.contains(name)) {
                return;
            }
            NewTopic topic = new NewTopic(name, Optional.of(partitions),
                    replication > 0 ? Optional.of(replication) : Optional.empty());
            admin.createTopics(Set.of(topic)).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            LOG.info("Created the pending topic {} ({} partitions)", name, partitions);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TopicExistsException) {
                return; // another instance created it at the same time
            }
            throw new IllegalStateException("Could not create the pending topic " + name + ": "
                    + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka did not answer within " + TIMEOUT_SECONDS
                    + " s while checking the pending topic " + name + ": is camel.component.kafka.brokers right?", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating the pending topic " + name, e);
        }
    }
}
