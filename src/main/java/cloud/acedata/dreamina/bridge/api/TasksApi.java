package cloud.acedata.dreamina.bridge.api;

import java.io.IOException;

/** Sends one request body to {@code POST {base}/dreamina/tasks} and returns the answer. */
public interface TasksApi {

    /**
     * @param requestJson the JSON request body ({@code retrieve} or {@code retrieve_batch})
     * @return the answer, whatever its status
     * @throws IOException when no answer arrived (refused connection, reset, timeout)
     */
    ApiAnswer post(byte[] requestJson) throws IOException;
}
