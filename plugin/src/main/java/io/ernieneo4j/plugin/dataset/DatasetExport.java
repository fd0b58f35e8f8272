package io.ernieneo4j.plugin.dataset;

import io.ernieneo4j.plugin.common.EntityKey;
import io.ernieneo4j.plugin.model.DocumentMentions;
import io.ernieneo4j.trainer.data.CorpusDocument;
import io.ernieneo4j.trainer.data.DatasetFiles;
import io.ernieneo4j.trainer.data.Mention;
import io.ernieneo4j.trainer.data.RelationExample;
import io.ernieneo4j.trainer.data.TypingExample;
import io.ernieneo4j.trainer.finetune.LabelSet;
import io.ernieneo4j.trainer.run.Progress;
import io.ernieneo4j.trainer.run.Termination;
import io.ernieneo4j.trainer.transe.TransEModelFiles;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Relationship;
import org.neo4j.graphdb.RelationshipType;
import org.neo4j.graphdb.Transaction;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * The trainer's files from the graph: the documents of a label with their aligned mentions (the {@code MENTIONS} of
 * ernie.align.write, read as ERNIE's inference reads them), split by document; a typing example per mention whose
 * entity has types; a relation example per ordered pair of entities of a document that a relationship of the chosen
 * types connects (distant supervision; the label is the type, head to tail), plus sampled {@code no_relation}
 * pairs (not connected at all); the corpus for pretraining; and the TransE vectors of the entities mentioned.
 * Relationships marked {@code predicted: true} (written by ernie.transe.predict.write or ernie.relation.write) label
 * nothing, but their pairs are not {@code no_relation} either.
 *
 * <p>Entity ids are the TransE model's entity ids (node ids as strings), the ids ernie.model.load gives a model's
 * entity table, so a model trained on these files runs on the same database. Mentions of entities the TransE model
 * has no vector for are left out (counted), so every entity the files name has a vector.
 *
 * <p>Everything is computed in memory first; the files are written into a fresh folder that then replaces the
 * target, so an error writes nothing.
 */
public final class DatasetExport {

    /** The parts of a split, in file order. */
    static final List<String> PARTS = List.of("train", "dev", "test");
    static final String MENTIONS = "MENTIONS";

    /** What an export computed: the records of every file, the entities they name, and what was left out. */
    public record Dataset(Map<String, List<?>> files, List<Integer> entityRows, Map<String, Long> documents,
                          List<String> typeLabels, List<String> relationLabels, long mentionsWithoutVector,
                          long unseenLabelExamples) {}

    /** An entity's links: the neighbours its chosen-type relationships lead to, and every neighbour. */
    private record Links(Map<Long, Integer> outgoing, Set<Long> neighbours) {}

    /** A document with its mentions of entities the TransE model knows, and their linker scores. */
    private record Kept(DocumentMentions.Document document, List<Mention> mentions, List<Double> scores) {}

    private final Transaction tx;
    private final DatasetExportConfig config;
    private final TransEModelFiles.NamedModel model;
    private final Progress progress;
    private final Termination termination;
    private final List<String> relationshipTypes;
    private final Map<String, Integer> typeIndex = new HashMap<>();
    private final Map<String, List<String>> types = new HashMap<>();
    private final Map<Long, Links> links = new HashMap<>();

    public DatasetExport(Transaction tx, DatasetExportConfig config, TransEModelFiles.NamedModel model,
                         Progress progress, Termination termination) {
        this.tx = tx;
        this.config = config;
        this.model = model;
        this.progress = progress;
        this.termination = termination;
        this.relationshipTypes = config.relationshipTypes().isEmpty() ? model.relations()
                : config.relationshipTypes();
        for (int i = 0; i < relationshipTypes.size(); i++) {
            typeIndex.putIfAbsent(relationshipTypes.get(i), i);
        }
    }

    /** The relationship types that label pairs: as configured, else the TransE model's. */
    public List<String> relationshipTypes() {
        return relationshipTypes;
    }

    /** Checks the names the configuration uses exist in the database, before anything is read. */
    public void validate() {
        Set<String> labels = new HashSet<>();
        tx.getAllLabelsInUse().forEach(l -> labels.add(l.name()));
        if (!labels.contains(config.documentLabel())) {
            throw invalid("`documentLabel`: no node label `%s` exists in the database.", config.documentLabel());
        }
        Set<String> keys = new HashSet<>();
        tx.getAllPropertyKeys().forEach(keys::add);
        for (var property : List.of(Map.entry("textProperty", config.textProperty()),
                Map.entry("typeProperty", config.typeProperty()))) {
            if (!keys.contains(property.getValue())) {
                throw invalid("`%s`: no property key `%s` exists in the database.", property.getKey(),
                        property.getValue());
            }
        }
        Set<String> types = new HashSet<>();
        tx.getAllRelationshipTypesInUse().forEach(t -> types.add(t.name()));
        for (String type : config.relationshipTypes()) {
            if (!types.contains(type)) {
                throw invalid("`relationshipTypes`: no relationship type `%s` exists in the database.", type);
            }
        }
        if (!types.contains(MENTIONS)) {
            throw invalid("No `MENTIONS` relationship exists in the database; align the documents with "
                    + "ernie.align.write first.");
        }
    }

    /** Reads the documents, splits them and builds every file's records. */
    public Dataset compute() {
        Map<String, Integer> rows = new HashMap<>(model.entities().size() * 2);
        for (int i = 0; i < model.entities().size(); i++) {
            rows.put(model.entities().get(i), i);
        }
        DocumentMentions reader = new DocumentMentions(config.modelName(), config.documentLabel(),
                config.textProperty(), null, config.minLinkScore(), 0.5, 1);
        List<DocumentMentions.Document> read = new ArrayList<>(reader.read(tx,
                EntityKey.parse(model.manifest().entityKey())));
        if (read.isEmpty()) {
            throw invalid("No `%s` node has a non-empty `%s` and MENTIONS with a score of at least %s; align the "
                    + "documents with ernie.align.write first.", config.documentLabel(), config.textProperty(),
                    config.minLinkScore());
        }
        read.sort(Comparator.comparingLong(DocumentMentions.Document::id));
        List<Kept> documents = new ArrayList<>();
        long withoutVector = 0;
        long mentions = 0;
        for (DocumentMentions.Document document : read) {
            List<Mention> kept = new ArrayList<>();
            List<Double> scores = new ArrayList<>();
            for (int k = 0; k < document.mentions().size(); k++) {
                Mention m = document.mentions().get(k);
                mentions++;
                if (rows.containsKey(m.entity())) {
                    kept.add(m);
                    scores.add(document.scores().get(k));
                } else {
                    withoutVector++;
                }
            }
            if (!kept.isEmpty()) {
                documents.add(new Kept(document, List.copyOf(kept), List.copyOf(scores)));
            }
        }
        if (documents.isEmpty()) {
            throw invalid("None of the %d mentions of the `%s` documents is of an entity of TransE model `%s`; "
                    + "train it on the graph the documents mention.", mentions, config.documentLabel(),
                    config.modelName());
        }

        int[] part = split(documents.size());
        List<List<TypingExample>> typing = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        List<List<RelationExample>> relations = new ArrayList<>();
        Set<Integer> entityRows = new TreeSet<>();
        List<CorpusDocument> corpus = new ArrayList<>();
        List<List<RelationExample>> candidates = new ArrayList<>();
        List<List<Boolean>> negative = new ArrayList<>();
        for (int p = 0; p < 3; p++) {
            candidates.add(new ArrayList<>());
            negative.add(new ArrayList<>());
        }
        Map<String, Long> documentCounts = new LinkedHashMap<>();
        PARTS.forEach(name -> documentCounts.put(name, 0L));
        for (int d = 0; d < documents.size(); d++) {
            termination.assertRunning();
            Kept kept = documents.get(d);
            DocumentMentions.Document document = kept.document();
            documentCounts.merge(PARTS.get(part[d]), 1L, Long::sum);
            corpus.add(new CorpusDocument(Long.toString(document.id()), document.text(), kept.mentions()));
            for (int k = 0; k < kept.mentions().size(); k++) {
                Mention mention = kept.mentions().get(k);
                entityRows.add(rows.get(mention.entity()));
                List<String> labels = typesOf(mention.entity(), document.nodeId(mention.entity()));
                if (!labels.isEmpty() && kept.scores().get(k) >= config.typingMinLinkScore()) {
                    typing.get(part[d]).add(new TypingExample(document.id() + "#" + k, document.text(), mention,
                            labels, kept.mentions()));
                }
            }
            pairs(kept, candidates.get(part[d]), negative.get(part[d]));
        }
        for (int p = 0; p < 3; p++) {
            relations.add(sample(candidates.get(p), negative.get(p), p));
        }

        // the trainer refuses dev and test labels that training never saw: such examples are left out, counted
        Set<String> typeLabels = new TreeSet<>();
        typing.get(0).forEach(t -> typeLabels.addAll(t.labels()));
        Set<String> relationLabels = new TreeSet<>();
        relations.get(0).forEach(r -> relationLabels.add(r.label()));
        long unseen = 0;
        for (int p = 1; p < 3; p++) {
            int before = typing.get(p).size() + relations.get(p).size();
            typing.get(p).removeIf(t -> !typeLabels.containsAll(t.labels()));
            relations.get(p).removeIf(r -> !relationLabels.contains(r.label()));
            unseen += before - typing.get(p).size() - relations.get(p).size();
        }
        if (typing.get(0).isEmpty()) {
            throw invalid("No entity mentioned in the training documents (with a linker score of at least %s) has a "
                    + "`%s` property: there are no typing examples to write.", config.typingMinLinkScore(),
                    config.typeProperty());
        }
        if (relations.get(0).stream().noneMatch(r -> !LabelSet.NO_RELATION.equals(r.label()))) {
            throw invalid("No two entities mentioned in one training document are connected by a relationship of "
                    + "%s: there are no relation examples to write.", relationshipTypes);
        }

        Map<String, List<?>> files = new LinkedHashMap<>();
        for (int p = 0; p < 3; p++) {
            files.put("typing/" + PARTS.get(p) + ".jsonl", typing.get(p));
        }
        for (int p = 0; p < 3; p++) {
            files.put("relation/" + PARTS.get(p) + ".jsonl", relations.get(p));
        }
        files.put("corpus/corpus.jsonl", corpus);
        progress.info(String.format(Locale.ROOT, "%d documents (%s), %d mentions (%d without a vector), "
                        + "%d typing and %d relation examples (%d with labels training lacks left out), %d entities",
                documents.size(), documentCounts, mentions, withoutVector,
                typing.stream().mapToInt(List::size).sum(), relations.stream().mapToInt(List::size).sum(), unseen,
                entityRows.size()));
        return new Dataset(files, List.copyOf(entityRows), documentCounts, List.copyOf(typeLabels),
                List.copyOf(relationLabels), withoutVector, unseen);
    }

    /** Each document's part (0 train, 1 dev, 2 test): the documents in a seeded order, cut by the ratios. */
    private int[] split(int count) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            order.add(i);
        }
        java.util.Collections.shuffle(order, new Random(config.seed()));
        List<Double> ratios = config.splitRatios();
        // dev and test get their share, at least one document each when it is above 0; train the rest
        int dev = Math.min(count - 1, share(count, ratios.get(1)));
        int test = Math.max(0, Math.min(count - dev - 1, share(count, ratios.get(2))));
        int train = count - dev - test;
        int[] part = new int[count];
        for (int i = 0; i < count; i++) {
            part[order.get(i)] = i < train ? 0 : i < train + dev ? 1 : 2;
        }
        return part;
    }

    private static int share(int count, double ratio) {
        if (ratio <= 0 || count < 3) {
            return 0;
        }
        return (int) Math.max(1, Math.round(count * ratio));
    }

    /**
     * The ordered pairs of different entities of a document (each at its first mention): labelled with the first
     * chosen type of a relationship from head to tail, candidates for {@code no_relation} when the two are not
     * connected at all; pairs connected otherwise (another type, the other direction) are not examples.
     */
    private void pairs(Kept kept, List<RelationExample> out, List<Boolean> negative) {
        Map<String, Mention> first = new LinkedHashMap<>();
        for (Mention m : kept.mentions()) {
            first.putIfAbsent(m.entity(), m);
        }
        List<Mention> entities = new ArrayList<>(first.values());
        List<Integer> positions = new ArrayList<>();
        for (Mention m : entities) {
            positions.add(kept.mentions().indexOf(m));
        }
        long documentId = kept.document().id();
        for (int h = 0; h < entities.size(); h++) {
            Mention head = entities.get(h);
            Links headLinks = links(kept.document().nodeId(head.entity()));
            for (int t = 0; t < entities.size(); t++) {
                if (t == h) {
                    continue;
                }
                Mention tail = entities.get(t);
                long tailNode = kept.document().nodeId(tail.entity());
                Integer type = headLinks.outgoing().get(tailNode);
                String id = documentId + "#" + positions.get(h) + "-" + positions.get(t);
                if (type != null) {
                    out.add(new RelationExample(id, kept.document().text(), head, tail, relationshipTypes.get(type),
                            kept.mentions()));
                    negative.add(false);
                } else if (!headLinks.neighbours().contains(tailNode)) {
                    out.add(new RelationExample(id, kept.document().text(), head, tail, LabelSet.NO_RELATION,
                            kept.mentions()));
                    negative.add(true);
                }
            }
        }
    }

    /** The related pairs and a seeded sample of {@code negativeRatio} unrelated pairs per related pair, in order. */
    private List<RelationExample> sample(List<RelationExample> pairs, List<Boolean> negative, int part) {
        List<Integer> unrelated = new ArrayList<>();
        for (int i = 0; i < pairs.size(); i++) {
            if (negative.get(i)) {
                unrelated.add(i);
            }
        }
        long related = pairs.size() - unrelated.size();
        int take = (int) Math.min(unrelated.size(), Math.round(config.negativeRatio() * related));
        Random random = new Random(config.seed() * 31 + part + 1);
        for (int i = 0; i < take; i++) {
            int j = i + random.nextInt(unrelated.size() - i);
            java.util.Collections.swap(unrelated, i, j);
        }
        Set<Integer> chosen = new HashSet<>(unrelated.subList(0, take));
        List<RelationExample> out = new ArrayList<>();
        for (int i = 0; i < pairs.size(); i++) {
            if (!negative.get(i) || chosen.contains(i)) {
                out.add(pairs.get(i));
            }
        }
        return out;
    }

    /** The entity's types: its {@code typeProperty}, a string or a list of strings (none when absent). */
    @SuppressWarnings("deprecation")
    private List<String> typesOf(String entity, long nodeId) {
        return types.computeIfAbsent(entity, id -> {
            Node node = tx.getNodeById(nodeId);
            Object value = node.getProperty(config.typeProperty(), null);
            List<String> labels = new ArrayList<>();
            if (value instanceof String s) {
                labels.add(s);
            } else if (value instanceof String[] array) {
                labels.addAll(List.of(array));
            } else if (value != null) {
                throw invalid("`typeProperty`: property `%s` of node %s holds %s, not a string or a list of "
                        + "strings.", config.typeProperty(), id, value.getClass().getSimpleName());
            }
            labels.removeIf(String::isBlank);
            return List.copyOf(new LinkedHashSet<>(labels));
        });
    }

    /** The entity's relationships other than MENTIONS, read once. */
    @SuppressWarnings("deprecation")
    private Links links(long nodeId) {
        return links.computeIfAbsent(nodeId, id -> {
            Map<Long, Integer> outgoing = new HashMap<>();
            Set<Long> neighbours = new HashSet<>();
            Node node = tx.getNodeById(id);
            for (Relationship r : node.getRelationships()) {
                RelationshipType type = r.getType();
                if (type.name().equals(MENTIONS)) {
                    continue;
                }
                long other = r.getOtherNode(node).getId();
                neighbours.add(other);
                Integer index = typeIndex.get(type.name());
                // a prediction (ernie.transe.predict.write, ernie.relation.write) is no fact to learn from
                if (index != null && r.getStartNode().getId() == id
                        && !Boolean.TRUE.equals(r.getProperty("predicted", false))) {
                    outgoing.merge(other, index, Math::min);
                }
            }
            return new Links(outgoing, neighbours);
        });
    }

    /**
     * Writes the files into {@code folder}: first into a fresh sibling folder, which then replaces {@code folder}.
     *
     * @return the lines of each file, by its path in the folder
     */
    public Map<String, Long> write(Dataset dataset, Path folder, Map<String, Object> manifest) throws IOException {
        Path parent = folder.getParent();
        Files.createDirectories(parent);
        Path partial = Files.createTempDirectory(parent, "." + folder.getFileName() + ".partial-");
        try {
            Map<String, Long> lines = new LinkedHashMap<>();
            for (var file : dataset.files().entrySet()) {
                DatasetFiles.writeJsonLines(partial.resolve(file.getKey()), file.getValue());
                lines.put(file.getKey(), (long) file.getValue().size());
            }
            Path vectors = partial.resolve("entities.tsv");
            try (BufferedWriter out = Files.newBufferedWriter(vectors, StandardCharsets.UTF_8)) {
                StringBuilder line = new StringBuilder();
                for (int row : dataset.entityRows()) {
                    line.setLength(0);
                    line.append(model.entities().get(row)).append('\t');
                    float[] vector = model.model().entity(row);
                    for (int i = 0; i < vector.length; i++) {
                        if (i > 0) {
                            line.append(' ');
                        }
                        line.append(vector[i]);
                    }
                    out.write(line.append('\n').toString());
                }
            }
            lines.put("entities.tsv", (long) dataset.entityRows().size());
            Map<String, Object> withFiles = new LinkedHashMap<>(manifest);
            withFiles.put("files", lines);
            DatasetFiles.writeJson(partial.resolve("manifest.json"), withFiles);
            if (Files.exists(folder)) {
                TransEModelFiles.deleteRecursively(folder);
            }
            Files.move(partial, folder, StandardCopyOption.ATOMIC_MOVE);
            return lines;
        } finally {
            if (Files.exists(partial)) {
                TransEModelFiles.deleteRecursively(partial);
            }
        }
    }

    private static IllegalArgumentException invalid(String format, Object... args) {
        return new IllegalArgumentException(String.format(Locale.ROOT, format, args));
    }

}
