package cloud.acedata.dreamina.bridge.delivery;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TransactionGateTest {

    @Test
    void aCommitWaitsForTheBatchesWritingAndOnlyForThem() throws Exception {
        TransactionGate gate = new TransactionGate();
        gate.enter();
        gate.enter();
        CompletableFuture<Boolean> closing = CompletableFuture.supplyAsync(() -> {
            try {
                return gate.close(10_000);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        gate.leave();
        assertFalse(closing.isDone() && closing.get(), "one batch still writing");
        gate.leave();
        assertTrue(closing.get(10, TimeUnit.SECONDS));
        assertEquals(0, gate.inside());
    }

    @Test
    void aBatchThatComesDuringACommitWaitsUntilItEnds() throws Exception {
        TransactionGate gate = new TransactionGate();
        assertTrue(gate.close(1_000));
        CountDownLatch entered = new CountDownLatch(1);
        Thread batch = new Thread(() -> {
            try {
                gate.enter();
                entered.countDown();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        batch.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> batch.getState() == Thread.State.WAITING);
        assertEquals(0, gate.inside(), "not in while the commit runs");
        gate.open();
        assertTrue(entered.await(10, TimeUnit.SECONDS));
        assertEquals(1, gate.inside());
    }

    @Test
    void aCommitGivesUpWaitingAfterItsTimeout() throws Exception {
        TransactionGate gate = new TransactionGate();
        gate.enter();
        assertFalse(gate.close(20), "a batch stuck inside");
        gate.open();
        gate.leave();
        assertTrue(gate.close(20));
    }

    @Test
    void leavingWithoutEnteringIsADefect() {
        assertThrows(IllegalStateException.class, new TransactionGate()::leave);
    }
}
