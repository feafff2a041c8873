package cloud.acedata.dreamina.bridge.task;

/** Where a Dreamina task stands, as far as the bridge is concerned. */
public enum TaskState {
    /** Finished with a video: {@code status} "done" and a non-empty {@code video_url}. */
    DONE,
    /** Finished without a video; polling it again will not help. */
    FAILED,
    /** No result yet (or an answer the bridge does not recognise): poll again later, within the time bound. */
    PENDING
}
