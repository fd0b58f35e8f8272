package io.ernieneo4j.plugin.relation;

import io.ernieneo4j.plugin.common.ConfigMap;
import io.ernieneo4j.plugin.model.DocumentMentions;
import io.ernieneo4j.trainer.completion.EvidenceFusion;
import io.ernieneo4j.trainer.completion.TextEvidence;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * How ernie.relation.evaluate scores candidate facts against the graph's held-out edges.
 *
 * @param transeModel       the TransE model of the graph evidence; empty: the relation model's own, if it has one
 * @param typeProperty      the node property that is a node's type; empty: its labels
 * @param evidence          the sources the fused score uses
 * @param relationshipTypes the relationship types evaluated; empty: every label of the model but no_relation
 * @param transitiveTypes   the relationship types a chain of edges implies ({@link TransitiveChains})
 * @param devFraction       the share of facts without a held-out edge (false candidates) put with the dev split
 */
record CompletionConfig(DocumentMentions documents, Optional<String> transeModel, Optional<String> typeProperty,
                        List<EvidenceFusion.Source> evidence, boolean evidenceGiven, String textAggregation,
                        List<String> relationshipTypes, List<String> transitiveTypes, String splitProperty,
                        String trainSplit, String devSplit,
                        String testSplit, List<Integer> precisionAtK, double devFraction, long seed) {

    static final Set<String> KEYS = DocumentMentions.keysWith("transeModel", "typeProperty", "evidence",
            "textAggregation", "relationshipTypes", "transitiveTypes", "splitProperty", "trainSplit", "devSplit",
            "testSplit",
            "precisionAtK", "devFraction", "seed", "save");

    static CompletionConfig from(ConfigMap config, DocumentMentions documents) {
        List<String> evidence = config.stringList("evidence");
        List<EvidenceFusion.Source> sources = evidence.isEmpty()
                ? List.of(EvidenceFusion.Source.values())
                : evidence.stream().map(EvidenceFusion.Source::of).distinct().sorted().toList();
        List<Integer> ks = precisionAtK(config.toMap().get("precisionAtK"));
        String train = config.string("trainSplit", "train");
        String dev = config.string("devSplit", "dev");
        String test = config.string("testSplit", "test");
        if (train.equals(dev) || train.equals(test) || dev.equals(test)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "`trainSplit`, `devSplit` and `testSplit` "
                    + "must differ; got `%s`, `%s` and `%s`.", train, dev, test));
        }
        return new CompletionConfig(documents, config.optionalString("transeModel"),
                config.optionalString("typeProperty"), sources, !evidence.isEmpty(),
                config.oneOf("textAggregation", "max", TextEvidence.AGGREGATIONS),
                config.stringList("relationshipTypes"), config.stringList("transitiveTypes"),
                config.string("splitProperty", "split"), train, dev, test, ks,
                config.doubleValue("devFraction", 0.5, 0.05, 0.95), config.longValue("seed", 42, 0, Long.MAX_VALUE));
    }

    private static List<Integer> precisionAtK(Object raw) {
        if (raw == null) {
            return List.of(100, 500);
        }
        if (raw instanceof List<?> list && !list.isEmpty()
                && list.stream().allMatch(x -> x instanceof Number n && n.longValue() >= 1 && n.longValue() <= 1_000_000)) {
            return list.stream().map(x -> ((Number) x).intValue()).distinct().sorted().toList();
        }
        throw new IllegalArgumentException(String.format(Locale.ROOT,
                "Value for `precisionAtK` was `%s`, but must be a non-empty list of integers in [1, 1000000].", raw));
    }
}
