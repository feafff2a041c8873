package cloud.acedata.dreamina.bridge.task;

/**
 * An input record that can never be processed, whatever is retried: it is dead-lettered at once.
 *
 * <p>The message becomes a dead-letter header, so it says briefly and precisely what is wrong and quotes at most
 * about 100 characters of the input.
 */
public class InvalidInputException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public InvalidInputException(String message) {
        super(message);
    }

    public InvalidInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
