package io.ernieneo4j.tests.support;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A training call watched in ernie.progress() and stopped the way a user stops it: TERMINATE TRANSACTION. */
public final class TrainingRuns {

    private TrainingRuns() {}

    /**
     * Waits, by polling ernie.progress(), until {@code modelName} has taken {@code steps} steps, and returns that
     * row; fails when {@code call} ends first or after five minutes (a hung run fails here, not the build).
     */
    public static Map<String, Object> awaitProgress(Bolt bolt, String modelName, long steps,
                                                    CompletableFuture<?> call) {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (System.nanoTime() < deadline) {
            assertThat(call).as("the training call ended before it was seen running").isNotDone();
            for (Map<String, Object> row : bolt.rows("CALL ernie.progress()")) {
                if (modelName.equals(row.get("modelName")) && (Long) row.get("step") >= steps) {
                    return row;
                }
            }
        }
        throw new AssertionError("`" + modelName + "` did not reach step " + steps);
    }

    /** Terminates the running transactions whose query contains {@code queryText}. */
    public static void terminate(Bolt bolt, String queryText) {
        bolt.rows("SHOW TRANSACTIONS YIELD transactionId, currentQuery "
                + "WHERE currentQuery CONTAINS $text AND NOT currentQuery CONTAINS 'SHOW TRANSACTIONS' "
                + "TERMINATE TRANSACTIONS transactionId YIELD message RETURN message", Map.of("text", queryText));
    }
}
