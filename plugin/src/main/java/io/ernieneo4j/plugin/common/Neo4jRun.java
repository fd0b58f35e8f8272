package io.ernieneo4j.plugin.common;

import io.ernieneo4j.trainer.run.Progress;
import io.ernieneo4j.trainer.run.Termination;
import org.neo4j.graphdb.TransactionTerminatedException;
import org.neo4j.logging.Log;
import org.neo4j.procedure.TerminationGuard;

/** The trainer's {@link Progress} and {@link Termination} on top of a procedure's Log and TerminationGuard. */
public final class Neo4jRun {

    private Neo4jRun() {}

    public static Progress progress(Log log, String procedure) {
        return message -> log.info("%s: %s", procedure, message);
    }

    /** Running until the procedure's transaction is terminated (by the user, a timeout or the server). */
    public static Termination termination(TerminationGuard guard) {
        return () -> {
            try {
                guard.check();
                return true;
            } catch (TransactionTerminatedException e) {
                return false;
            }
        };
    }
}
