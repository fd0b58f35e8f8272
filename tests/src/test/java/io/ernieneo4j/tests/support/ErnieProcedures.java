package io.ernieneo4j.tests.support;

import java.util.List;

/** The public surface: every ernie.* procedure and function, sorted. Grows with every feature. */
public final class ErnieProcedures {

    public static final List<String> ALL = List.of(
            "ernie.dataset.wordnet.load",
            "ernie.version");

    private ErnieProcedures() {}
}
