package io.ernieneo4j.plugin.align;

import io.ernieneo4j.plugin.common.BatchWriter;
import io.ernieneo4j.plugin.common.Neo4jRun;
import io.ernieneo4j.trainer.align.Aligner;
import io.ernieneo4j.trainer.align.AlignmentDictionary;
import io.ernieneo4j.trainer.align.LinkedMention;
import io.ernieneo4j.trainer.run.Termination;
import org.neo4j.graphdb.Direction;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Label;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Relationship;
import org.neo4j.graphdb.RelationshipType;
import org.neo4j.graphdb.ResourceIterator;
import org.neo4j.graphdb.Transaction;
import org.neo4j.logging.Log;
import org.neo4j.procedure.TerminationGuard;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/** What the alignment procedures share: the cached dictionary, text checks, and the batched write. */
final class AlignFeature {

    static final RelationshipType MENTIONS = RelationshipType.withName("MENTIONS");

    private final GraphDatabaseService db;
    private final Transaction tx;
    private final Log log;
    private final Termination termination;

    AlignFeature(GraphDatabaseService db, Transaction tx, Log log, TerminationGuard guard) {
        this.db = db;
        this.tx = tx;
        this.log = log;
        this.termination = Neo4jRun.termination(guard);
    }

    DictionaryCache.Cached dictionary(DictionaryConfig config, boolean rebuild) {
        DictionaryReader reader = new DictionaryReader(tx, termination);
        reader.validate(config);
        DictionaryCache.Cached cached = DictionaryCache.of(db).get(config, rebuild, () -> reader.read(config));
        if (cached.fresh()) {
            AlignmentDictionary d = cached.dictionary();
            log.info("ernie.align: dictionary of %d entities, %d names, %d embedded, %.1f MiB built in %d ms",
                    d.entityCount(), d.nameCount(), d.embeddedEntityCount(), d.memoryBytes() / 1048576.0,
                    cached.buildMillis());
        }
        return cached;
    }

    Stream<AlignStreamProc.StreamResult> stream(String text, AlignConfig config) {
        checkText(text, config, "`text`");
        AlignmentDictionary dictionary = dictionary(config.dictionary(), false).dictionary();
        return new Aligner(dictionary, config.parameters()).align(text).stream().map(AlignFeature::row);
    }

    private static AlignStreamProc.StreamResult row(LinkedMention m) {
        List<Map<String, Object>> runnersUp = new ArrayList<>();
        for (LinkedMention.Candidate c : m.candidates().subList(1, m.candidates().size())) {
            Map<String, Object> candidate = new LinkedHashMap<>();
            candidate.put("nodeId", c.entityId());
            candidate.put("score", c.score());
            candidate.put("prior", c.prior());
            if (!Double.isNaN(c.coherence())) {
                candidate.put("coherence", c.coherence());
            }
            runnersUp.add(candidate);
        }
        return new AlignStreamProc.StreamResult(m.mention(), m.start(), m.end(), m.best().entityId(),
                m.best().score(), runnersUp);
    }

    /** Refuses what cannot be aligned: no text, an empty one, or one over the length limit. */
    private static void checkText(Object text, AlignConfig config, String what) {
        if (text == null) {
            throw new IllegalArgumentException(what + " must be a string, but was null.");
        }
        if (!(text instanceof String s)) {
            throw new IllegalArgumentException(what + " must be a string, but was " + text.getClass().getSimpleName()
                    + ".");
        }
        if (s.isEmpty()) {
            throw new IllegalArgumentException(what + " must not be empty.");
        }
        if (s.length() > config.maxTextLength()) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "%s has %d characters, more than `maxTextLength` (%d); split it, or raise `maxTextLength` "
                            + "(at most %d).", what, s.length(), config.maxTextLength(),
                    AlignConfig.MAX_TEXT_LENGTH_LIMIT));
        }
    }

    @SuppressWarnings("deprecation") // internal node ids, as GDS reports them
    AlignWriteProc.WriteResult write(AlignConfig config) {
        long start = System.nanoTime();
        String label = config.documentLabel().orElseThrow();
        String textProperty = config.textProperty().orElseThrow();
        Set<String> labels = new TreeSet<>();
        tx.getAllLabelsInUse().forEach(l -> labels.add(l.name()));
        if (!labels.contains(label)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "`documentLabel`: no node label `%s` exists in the database (labels in use: %s).", label, labels));
        }
        // every document is checked before anything is written, so that bad input writes nothing
        List<Long> documents = new ArrayList<>();
        long skipped = 0;
        long withoutText = 0;
        try (ResourceIterator<Node> nodes = tx.findNodes(Label.label(label))) {
            while (nodes.hasNext()) {
                Node node = nodes.next();
                Object text = node.getProperty(textProperty, null);
                if (text == null) {
                    withoutText++;
                    continue;
                }
                checkText(text, config, String.format(Locale.ROOT, "`%s` of node %d", textProperty, node.getId()));
                if (config.onlyNew() && node.hasRelationship(Direction.OUTGOING, MENTIONS)) {
                    skipped++;
                    continue;
                }
                documents.add(node.getId());
            }
        }
        if (withoutText > 0 && documents.isEmpty() && skipped == 0) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "`textProperty`: no `%s` node has a property `%s`; name the property that holds the text.",
                    label, textProperty));
        }
        AlignmentDictionary dictionary = dictionary(config.dictionary(), false).dictionary();
        Aligner aligner = new Aligner(dictionary, config.parameters());
        long preProcessingMillis = (System.nanoTime() - start) / 1_000_000;
        long writeStart = System.nanoTime();
        long[] computeNanos = {0};
        long[] deleted = {0};
        long written = BatchWriter.write(db, documents, config.batchSize(), termination, (write, batch) -> {
            long created = 0;
            for (long id : batch) {
                Node document = write.getNodeById(id);
                long alignStart = System.nanoTime();
                List<LinkedMention> mentions = aligner.align((String) document.getProperty(textProperty));
                computeNanos[0] += System.nanoTime() - alignStart;
                for (Relationship old : document.getRelationships(Direction.OUTGOING, MENTIONS)) {
                    old.delete();
                    deleted[0]++;
                }
                for (LinkedMention m : mentions) {
                    Relationship r = document.createRelationshipTo(write.getNodeById(m.best().entityId()), MENTIONS);
                    r.setProperty("start", (long) m.start());
                    r.setProperty("end", (long) m.end());
                    r.setProperty("score", m.best().score());
                    r.setProperty("mention", m.mention());
                    created++;
                }
            }
            return created;
        });
        long computeMillis = computeNanos[0] / 1_000_000;
        long writeMillis = (System.nanoTime() - writeStart) / 1_000_000 - computeMillis;
        return new AlignWriteProc.WriteResult(documents.size(), skipped, withoutText, written, deleted[0],
                preProcessingMillis, computeMillis, writeMillis, config.toMap());
    }
}
