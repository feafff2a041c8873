package cloud.acedata.dreamina.bridge.camel;

import cloud.acedata.dreamina.bridge.schedule.BatchTicket;
import org.apache.camel.Exchange;

/**
 * The {@code poll-tasks} route's step between the API's answer and the first write: claims the batch for writing.
 * A stopping scheduler may have given the batch up while the API was slow to answer; then nothing is written and
 * the batch's tasks are read again by the partition's next owner — a batch is written completely or not at all.
 */
public final class BatchClaim {

    /** The batch was given up by a stopping scheduler before its writes began. */
    public static final class Abandoned extends RuntimeException {
        Abandoned() {
            super("the batch was given up by a stopping scheduler", null, false, false);
        }
    }

    public void claim(Exchange exchange) {
        BatchTicket ticket = exchange.getProperty(BatchTicket.PROPERTY, BatchTicket.class);
        if (ticket != null && !ticket.claimForWriting()) {
            throw new Abandoned();
        }
    }
}
