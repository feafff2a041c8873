package cloud.acedata.dreamina.bridge.bench;

/** What a workload runs against: the bridge, or the baseline route. */
interface Subject extends AutoCloseable {

    /** "bridge" or "baseline". */
    String kind();

    /** The consumer group on the input topic. */
    String inputGroup();

    @Override
    void close() throws Exception;
}
