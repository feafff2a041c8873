package cloud.acedata.dreamina.bridge.schedule;

import cloud.acedata.dreamina.bridge.delivery.TransactionGate;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BatchTicketTest {

    @Test
    void aClaimedBatchIsInsideTheGateUntilItsResultIsHandedOver() throws Exception {
        TransactionGate gate = new TransactionGate();
        BatchTicket ticket = new BatchTicket();
        ticket.writeThrough(gate);

        assertTrue(ticket.claimForWriting());
        assertEquals(1, gate.inside());
        assertFalse(ticket.abandon(), "its writes began: a stop can no longer give it up");
        ticket.written();
        ticket.written();
        assertEquals(0, gate.inside(), "left once");
        assertTrue(gate.close(10));
    }

    @Test
    void aBatchGivenUpBeforeItsClaimNeverHoldsTheGate() throws Exception {
        TransactionGate gate = new TransactionGate();
        BatchTicket ticket = new BatchTicket();
        ticket.writeThrough(gate);

        assertTrue(ticket.abandon());
        assertFalse(ticket.claimForWriting());
        assertEquals(0, gate.inside());
        ticket.written();
        assertEquals(0, gate.inside());
    }

    @Test
    void underAtLeastOnceThereIsNoGate() {
        BatchTicket ticket = new BatchTicket();
        assertTrue(ticket.claimForWriting());
        ticket.written();
        assertFalse(ticket.isAbandoned());
    }

    @Test
    void aSecondClaimByTheSameBatchChangesNothing() throws Exception {
        TransactionGate gate = new TransactionGate();
        BatchTicket ticket = new BatchTicket();
        ticket.writeThrough(gate);
        assertTrue(ticket.claimForWriting());
        assertTrue(ticket.claimForWriting(), "a last-resort dead letter after the route's own claim");
        assertEquals(1, gate.inside(), "inside once");
        ticket.written();
        assertEquals(0, gate.inside());
    }
}
