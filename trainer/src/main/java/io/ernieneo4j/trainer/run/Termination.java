package io.ernieneo4j.trainer.run;

/** Whether long work may go on; checked at least once per batch and per epoch. */
@FunctionalInterface
public interface Termination {

    /** Never stops early. */
    Termination ALWAYS = () -> true;

    boolean running();

    /** Throws when the work must stop (the caller's transaction was terminated, a user pressed Ctrl-C, ...). */
    default void assertRunning() {
        if (!running()) {
            throw new TerminatedException();
        }
    }

    /** Thrown by {@link #assertRunning()}; the work it interrupts leaves nothing half-written. */
    final class TerminatedException extends RuntimeException {
        public TerminatedException() {
            super("The computation was terminated.");
        }
    }
}
