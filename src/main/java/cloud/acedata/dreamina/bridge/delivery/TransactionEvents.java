package cloud.acedata.dreamina.bridge.delivery;

/** Told of each transaction of a hop ({@code ingest} or {@code poll}) that ended: for the metrics. */
public interface TransactionEvents {

    TransactionEvents NONE = new TransactionEvents() {
        @Override
        public void committed(String hop) {
        }

        @Override
        public void aborted(String hop) {
        }
    };

    void committed(String hop);

    void aborted(String hop);
}
