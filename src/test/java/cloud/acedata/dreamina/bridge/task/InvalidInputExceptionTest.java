package cloud.acedata.dreamina.bridge.task;

import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

class InvalidInputExceptionTest {

    @Test
    void carriesItsMessage() {
        InvalidInputException e = new InvalidInputException("empty value");
        assertEquals("empty value", e.getMessage());
        assertNull(e.getCause());
        assertInstanceOf(RuntimeException.class, e);
    }

    @Test
    void keepsTheCause() {
        IOException cause = new IOException("bad bytes");
        InvalidInputException e = new InvalidInputException("value is not valid UTF-8", cause);
        assertEquals("value is not valid UTF-8", e.getMessage());
        assertSame(cause, e.getCause());
    }
}
