package io.ernieneo4j.trainer.run;

/** Where long work reports how far it is: a log, a progress bar, nothing. */
public interface Progress {

    Progress NONE = new Progress() {
        @Override
        public void info(String message) {}
    };

    void info(String message);

    /** One line per epoch, e.g. "TransE epoch 3/50 loss 0.4123 (1.2 M triples/s)". */
    default void epoch(String task, int epoch, int epochs, double loss, double triplesPerSecond) {
        info(String.format(java.util.Locale.ROOT, "%s epoch %d/%d loss %.4f (%.2f M triples/s)",
                task, epoch, epochs, loss, triplesPerSecond / 1e6));
    }
}
