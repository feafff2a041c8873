package cloud.acedata.dreamina.bridge.task;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TaskVerdictTest {

    @Test
    void factoriesFillTheRightFields() {
        assertEquals(new TaskVerdict(TaskState.DONE, "done", "https://v", null), TaskVerdict.done("done", "https://v"));
        assertEquals(new TaskVerdict(TaskState.FAILED, "error", null, "boom"), TaskVerdict.failed("error", "boom"));
        TaskVerdict pending = TaskVerdict.pending(null);
        assertEquals(TaskState.PENDING, pending.state());
        assertNull(pending.videoUrl());
        assertNull(pending.reason());
    }

    @Test
    void stateIsRequired() {
        assertThrows(NullPointerException.class, () -> new TaskVerdict(null, null, null, null));
    }

    @Test
    void videoUrlExactlyWhenDone() {
        assertThrows(IllegalArgumentException.class, () -> new TaskVerdict(TaskState.DONE, "done", null, null));
        assertThrows(IllegalArgumentException.class, () -> new TaskVerdict(TaskState.PENDING, null, "https://v", null));
    }

    @Test
    void reasonExactlyWhenFailed() {
        assertThrows(IllegalArgumentException.class, () -> new TaskVerdict(TaskState.FAILED, "failed", null, null));
        assertThrows(IllegalArgumentException.class, () -> new TaskVerdict(TaskState.PENDING, null, null, "why"));
    }
}
