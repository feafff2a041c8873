package cloud.acedata.dreamina.bridge.task;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TaskReferenceTest {

    @Test
    void keyIsTheTaskIdWhenPresent() {
        TaskReference reference = new TaskReference("task-1", "trace-1");
        assertEquals("task-1", reference.key());
        assertTrue(reference.hasTaskId());
    }

    @Test
    void keyFallsBackToTheTraceId() {
        TaskReference reference = new TaskReference(null, "trace-1");
        assertEquals("trace-1", reference.key());
        assertFalse(reference.hasTaskId());
    }

    @Test
    void keyIsTheTaskIdWithoutTraceId() {
        assertEquals("task-1", new TaskReference("task-1", null).key());
    }

    @Test
    void needsAtLeastOneId() {
        assertThrows(IllegalArgumentException.class, () -> new TaskReference(null, null));
    }
}
