package io.ernieneo4j.tests.support;

import java.util.List;

/** The public surface: every ernie.* procedure and function, sorted. Grows with every feature. */
public final class ErnieProcedures {

    public static final List<String> ALL = List.of(
            "ernie.align.dictionary.refresh",
            "ernie.align.evaluate",
            "ernie.align.stream",
            "ernie.align.train",
            "ernie.align.write",
            "ernie.dataset.export",
            "ernie.dataset.wordnet.load",
            "ernie.dataset.wordnet.split",
            "ernie.model.drop",
            "ernie.model.list",
            "ernie.model.load",
            "ernie.model.pretrain",
            "ernie.model.pretrain.estimate",
            "ernie.progress",
            "ernie.relation.evaluate",
            "ernie.relation.explain",
            "ernie.relation.stream",
            "ernie.relation.train",
            "ernie.relation.train.estimate",
            "ernie.relation.write",
            "ernie.relation.write.estimate",
            "ernie.transe.evaluate",
            "ernie.transe.model.drop",
            "ernie.transe.model.export",
            "ernie.transe.model.import",
            "ernie.transe.model.list",
            "ernie.transe.predict.stream",
            "ernie.transe.predict.write",
            "ernie.transe.relationEmbedding",
            "ernie.transe.stats",
            "ernie.transe.stream",
            "ernie.transe.train",
            "ernie.transe.train.estimate",
            "ernie.type.evaluate",
            "ernie.type.stream",
            "ernie.type.train",
            "ernie.type.train.estimate",
            "ernie.type.write",
            "ernie.type.write.estimate",
            "ernie.version");

    private ErnieProcedures() {}
}
