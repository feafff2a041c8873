package cloud.acedata.dreamina.bridge.simulator;

/**
 * The simulator's one extension point (see {@link TasksApiSimulator#hook(ExchangeHook)}): told of every request
 * when it arrives, it may answer instead of the API; it is then told of every answer given. Tests use it to inject
 * faults and to record what the client sent; local mode uses none.
 *
 * <p>Both methods run on the simulator's handler thread of the request, possibly on many threads at once.
 * {@link #intercept} may block (a hanging API): it is interrupted when the simulator closes.
 */
public interface ExchangeHook {

    /** Who gave an answer. */
    enum AnsweredBy {
        /** The hook's {@link #intercept}. */
        HOOK,
        /** The simulator's rate limit: 429 {@code too_many_requests} with {@code Retry-After: 1}. */
        RATE_LIMIT,
        /** The API's protocol: the task detail(s), {@code {}}, or one of its documented errors. */
        PROTOCOL
    }

    /**
     * Called once per request as it arrives, before the simulator's latency, rate limit and protocol. A non-null
     * answer is given instead of theirs (after the latency, without using the rate limit);
     * {@link SimulatorAnswer#NONE} closes the connection without answering.
     *
     * @return the answer to give, or {@code null} to let the simulator answer
     */
    SimulatorAnswer intercept(SimulatorRequest request);

    /** Told of each answer, just before it is written. Not called for a request cut short by closing. */
    default void answered(SimulatorRequest request, SimulatorAnswer answer, AnsweredBy by) {
    }

    /**
     * This hook, then {@code next}: both are told of every request in this order until one answers (the first
     * answer wins), and both are told of every answer.
     */
    default ExchangeHook andThen(ExchangeHook next) {
        ExchangeHook first = this;
        return new ExchangeHook() {
            @Override
            public SimulatorAnswer intercept(SimulatorRequest request) {
                SimulatorAnswer answer = first.intercept(request);
                return answer != null ? answer : next.intercept(request);
            }

            @Override
            public void answered(SimulatorRequest request, SimulatorAnswer answer, AnsweredBy by) {
                first.answered(request, answer, by);
                next.answered(request, answer, by);
            }
        };
    }
}
