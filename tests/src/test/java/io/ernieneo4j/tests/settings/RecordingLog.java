package io.ernieneo4j.tests.settings;

import org.neo4j.logging.Log;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Locale;

/** A Neo4j {@link Log} that keeps what was logged at WARN. */
final class RecordingLog {

    private RecordingLog() {}

    static Log keepingWarnings(List<String> warnings) {
        return (Log) Proxy.newProxyInstance(Log.class.getClassLoader(), new Class<?>[] {Log.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("warn")) {
                        warnings.add(args.length == 2 && args[1] instanceof Object[] values
                                ? String.format(Locale.ROOT, (String) args[0], values) : (String) args[0]);
                    }
                    return method.getReturnType() == boolean.class ? Boolean.TRUE : null;
                });
    }
}
