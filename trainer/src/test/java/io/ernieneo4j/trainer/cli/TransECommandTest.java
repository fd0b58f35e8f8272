package io.ernieneo4j.trainer.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ernieneo4j.trainer.run.Termination;
import io.ernieneo4j.trainer.transe.LinkPredictionEvaluator;
import io.ernieneo4j.trainer.transe.LinkPredictionMetrics;
import io.ernieneo4j.trainer.transe.TransEModel;
import io.ernieneo4j.trainer.transe.TransEModelFiles;
import io.ernieneo4j.trainer.transe.TransEParameters.Norm;
import io.ernieneo4j.trainer.transe.TripleStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code transe} and {@code transe-evaluate} on a tiny OpenKE folder written here: 20 people who live and work in
 * one of 4 cities, the cities' countries and two capitals; valid and test hold some people's {@code lives in} (their
 * {@code works in} stays in training) and one capital.
 */
class TransECommandTest {

    private static final int PEOPLE = 20;
    private static final int CITY = PEOPLE;          // ids 20..23
    private static final int COUNTRY = PEOPLE + 4;   // ids 24, 25
    private static final int ENTITIES = PEOPLE + 6;
    private static final List<String> RELATIONS = List.of("lives in", "works in", "in country", "capital of");

    private record Data(List<int[]> train, List<int[]> valid, List<int[]> test) {}

    /** Triples as {head, tail, relation}, the order of OpenKE's files. */
    private static Data data() {
        List<int[]> train = new ArrayList<>();
        List<int[]> valid = new ArrayList<>();
        List<int[]> test = new ArrayList<>();
        for (int p = 0; p < PEOPLE; p++) {
            int[] livesIn = {p, CITY + p % 4, 0};
            (p >= 16 ? test : p >= 14 ? valid : train).add(livesIn);
            train.add(new int[] {p, CITY + p % 4, 1});
        }
        for (int c = 0; c < 4; c++) {
            train.add(new int[] {CITY + c, COUNTRY + c % 2, 2});
        }
        train.add(new int[] {CITY, COUNTRY, 3});
        test.add(new int[] {CITY + 1, COUNTRY + 1, 3});
        return new Data(train, valid, test);
    }

    private static String name(int entity) {
        return entity < CITY ? "person " + entity : entity < COUNTRY ? "city" + (entity - CITY)
                : "country" + (entity - COUNTRY);
    }

    /** The folder; entity2id.txt lists the ids backwards (valid OpenKE, and not what a writer would produce). */
    private static Path openKeFolder(Path dir) throws IOException {
        Path folder = Files.createDirectories(dir.resolve("data"));
        StringBuilder entities = new StringBuilder().append(ENTITIES).append('\n');
        for (int e = ENTITIES - 1; e >= 0; e--) entities.append(name(e)).append('\t').append(e).append('\n');
        Files.writeString(folder.resolve("entity2id.txt"), entities);
        StringBuilder relations = new StringBuilder().append(RELATIONS.size()).append('\n');
        for (int r = 0; r < RELATIONS.size(); r++) relations.append(RELATIONS.get(r)).append('\t').append(r).append('\n');
        Files.writeString(folder.resolve("relation2id.txt"), relations);
        Data data = data();
        Files.writeString(folder.resolve("train2id.txt"), triples(data.train()));
        Files.writeString(folder.resolve("valid2id.txt"), triples(data.valid()));
        Files.writeString(folder.resolve("test2id.txt"), triples(data.test()));
        return folder;
    }

    private static String triples(List<int[]> triples) {
        StringBuilder text = new StringBuilder().append(triples.size()).append('\n');
        for (int[] t : triples) text.append(t[0]).append(' ').append(t[1]).append(' ').append(t[2]).append('\n');
        return text.toString();
    }

    private static TripleStore store(List<int[]> triples) {
        return new TripleStore(ENTITIES, RELATIONS.size(), triples.stream().mapToInt(t -> t[0]).toArray(),
                triples.stream().mapToInt(t -> t[2]).toArray(), triples.stream().mapToInt(t -> t[1]).toArray());
    }

    private record Result(int exit, String out, String err) {}

    private static Result run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
            int exit = ErnieTrainer.run(args);
            return new Result(exit, stdout.toString(StandardCharsets.UTF_8), stderr.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    private static String[] train(Path folder, String... more) {
        List<String> args = new ArrayList<>(List.of("transe", "--openke", folder.toString(), "--dim", "8",
                "--epochs", "60", "--threads", "1"));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    @Test
    void anOpenKeFolderTrainsAndExportsWithItsIdsAndSplitFiles(@TempDir Path dir) throws IOException {
        Path data = openKeFolder(dir);
        Path export = dir.resolve("export");
        Result result = run(train(data, "--export-openke", export.toString()));
        assertThat(result.exit()).as(result.err()).isZero();
        assertThat(result.out()).contains("TransE on 39 triples of " + data, "26 entities, 4 relations",
                "held out: 2 valid, 5 test triples");

        for (String file : List.of("entity2id.txt", "relation2id.txt", "train2id.txt", "valid2id.txt",
                "test2id.txt")) {
            assertThat(Files.readAllBytes(export.resolve(file))).as(file).isEqualTo(Files.readAllBytes(data.resolve(file)));
        }
        assertThat(Files.readAllLines(export.resolve("entity2vec.vec"))).hasSize(ENTITIES)
                .allSatisfy(line -> assertThat(line.split("\t")).hasSize(8));
        assertThat(Files.readAllLines(export.resolve("relation2vec.vec"))).hasSize(RELATIONS.size());
        // what the OpenKE and Fast-TransX testers read besides: heads and tails per relation, test categories
        List<String> constraints = Files.readAllLines(export.resolve("type_constrain.txt"));
        assertThat(constraints).hasSize(1 + 2 * RELATIONS.size());
        assertThat(constraints.get(0)).isEqualTo("4");
        assertThat(constraints.get(2)).isEqualTo("0\t4\t20\t21\t22\t23"); // tails of `lives in`: the 4 cities
        assertThat(constraints.get(7)).isEqualTo("3\t2\t20\t21");          // heads of `capital of`
        assertThat(Files.readAllLines(export.resolve("test2id_all.txt"))).containsExactly("5",
                "2\t16 20 0", "2\t17 21 0", "2\t18 22 0", "2\t19 23 0", // lives in: n-1
                "0\t21 25 3");                                           // capital of: 1-1

        // the exported vectors are the model's, row i for the input's id i: names line up
        var imported = TransEModelFiles.importOpenKe(export, "x", Norm.L1);
        assertThat(imported.entities().get(0)).isEqualTo("person 0");
        assertThat(imported.entities().get(COUNTRY + 1)).isEqualTo("country1");
        assertThat(imported.relations()).isEqualTo(RELATIONS);
    }

    @Test
    void evaluateReportsWhatTheEvaluatorComputesAndTranseEvaluateAgrees(@TempDir Path dir) throws IOException {
        Path data = openKeFolder(dir);
        Path export = dir.resolve("export");
        Path metrics = dir.resolve("metrics.json");
        Result result = run(train(data, "--export-openke", export.toString(), "--evaluate", "--metrics",
                metrics.toString()));
        assertThat(result.exit()).as(result.err()).isZero();

        // the standard protocol, called directly: both sides, all entities, filter = train + valid + test
        Data triples = data();
        TripleStore test = store(triples.test());
        TripleStore known = store(triples.train()).union(store(triples.valid()), test);
        TransEModel model = TransEModelFiles.importOpenKe(export, "x", Norm.L1).model();
        var expected = new LinkPredictionEvaluator(model, known, 1, Termination.ALWAYS).evaluate(test, false);

        JsonNode json = new ObjectMapper().readTree(metrics.toFile());
        assertThat(json.get("split").asText()).isEqualTo("test");
        assertThat(json.get("triples").asInt()).isEqualTo(5);
        assertThat(json.get("entities").asInt()).isEqualTo(ENTITIES);
        assertThat(json.get("filter").toString()).isEqualTo("[\"train\",\"valid\",\"test\"]");
        assertSame(json.get("raw"), expected.raw());
        assertSame(json.get("filtered"), expected.filtered());
        assertSame(json.get("rawHead"), expected.rawHead());
        assertSame(json.get("filteredTail"), expected.filteredTail());
        assertThat(expected.filtered().meanRank()).isLessThan(expected.raw().meanRank()); // the filter took effect
        assertThat(result.out()).contains("Link prediction on 5 test triples", "all 26 entities",
                "train + valid + test", row("raw", expected.raw()), row("filtered", expected.filtered()));

        // the same vectors ranked again from the files: from the export, and from the data with --vectors
        Path again = dir.resolve("again.json");
        Result evaluated = run("transe-evaluate", "--openke", export.toString(), "--threads", "1", "--metrics",
                again.toString());
        assertThat(evaluated.exit()).as(evaluated.err()).isZero();
        assertThat(evaluated.out()).contains(row("filtered", expected.filtered()));
        JsonNode second = new ObjectMapper().readTree(again.toFile());
        for (String field : List.of("raw", "filtered", "rawHead", "rawTail", "filteredHead", "filteredTail")) {
            assertThat(second.get(field)).as(field).isEqualTo(json.get(field));
        }
        Result withVectors = run("transe-evaluate", "--openke", data.toString(), "--vectors", export.toString(),
                "--threads", "1");
        assertThat(withVectors.exit()).as(withVectors.err()).isZero();
        assertThat(withVectors.out()).contains(row("filtered", expected.filtered()));

        // --evaluate=valid ranks valid2id.txt
        Result onValid = run(train(data, "--evaluate=valid"));
        assertThat(onValid.exit()).as(onValid.err()).isZero();
        assertThat(onValid.out()).contains("Link prediction on 2 valid triples");
    }

    private static void assertSame(JsonNode json, LinkPredictionMetrics metrics) {
        assertThat(json.get("queries").asLong()).isEqualTo(metrics.queries());
        assertThat(json.get("meanRank").asDouble()).isEqualTo(metrics.meanRank());
        assertThat(json.get("mrr").asDouble()).isEqualTo(metrics.mrr());
        assertThat(json.get("hitsAt1").asDouble()).isEqualTo(metrics.hitsAt1());
        assertThat(json.get("hitsAt3").asDouble()).isEqualTo(metrics.hitsAt3());
        assertThat(json.get("hitsAt10").asDouble()).isEqualTo(metrics.hitsAt10());
    }

    private static String row(String name, LinkPredictionMetrics m) {
        return String.format(Locale.ROOT, "%-9s %10.2f %8.4f %8.4f %8.4f %8.4f", name, m.meanRank(), m.mrr(),
                m.hitsAt1(), m.hitsAt3(), m.hitsAt10());
    }

    @Test
    void tabSeparatedTriplesTakeHeldOutFilesOverTheirIds(@TempDir Path dir) throws IOException {
        Path train = dir.resolve("train.tsv");
        Files.writeString(train, "a\tlikes\tb\nb\tlikes\tc\nc\tpart of\ta\nb\tpart of\tc\n");
        Path valid = dir.resolve("valid.tsv");
        Files.writeString(valid, "c\tlikes\ta\n");
        Path test = dir.resolve("test.tsv");
        Files.writeString(test, "a\tlikes\tc\nz\tlikes\ta\n"); // z is in no training triple
        Path export = dir.resolve("export");
        Result result = run("transe", "--triples", train.toString(), "--valid", valid.toString(), "--test",
                test.toString(), "--dim", "4", "--epochs", "3", "--threads", "1", "--export-openke",
                export.toString(), "--evaluate");
        assertThat(result.exit()).as(result.err()).isZero();
        assertThat(result.out()).contains("held out: 1 valid, 1 (1 left out: not in training) test triples",
                "Link prediction on 1 test triples (1 left out: not in training)");
        assertThat(Files.readAllLines(export.resolve("entity2id.txt"))).containsExactly("3", "a\t0", "b\t1", "c\t2");
        assertThat(Files.readAllLines(export.resolve("valid2id.txt"))).containsExactly("1", "2 0 0");
        assertThat(Files.readAllLines(export.resolve("test2id.txt"))).containsExactly("1", "0 2 0");
        assertThat(export.resolve("type_constrain.txt")).isNotEmptyFile();
    }

    @Test
    void anExportWithoutValidTriplesStillGivesTheTestersAValidFile(@TempDir Path dir) throws IOException {
        Path data = openKeFolder(dir);
        Files.delete(data.resolve("valid2id.txt"));
        Path export = dir.resolve("export");
        Result result = run(train(data, "--export-openke", export.toString()));
        assertThat(result.exit()).as(result.err()).isZero();
        assertThat(Files.readAllLines(export.resolve("valid2id.txt"))).containsExactly("0");
        assertThat(export.resolve("test2id.txt")).isNotEmptyFile();

        Files.delete(data.resolve("test2id.txt"));
        Path noHeldOut = dir.resolve("no-held-out");
        assertThat(run(train(data, "--export-openke", noHeldOut.toString())).exit()).isZero();
        assertThat(noHeldOut.resolve("train2id.txt")).isNotEmptyFile();
        assertThat(noHeldOut.resolve("valid2id.txt")).doesNotExist();
        assertThat(noHeldOut.resolve("test2id.txt")).doesNotExist();
    }

    @Test
    void badInputIsNamedWithItsFileLineAndExpectedFormat(@TempDir Path dir) throws IOException {
        Path data = openKeFolder(dir);
        Path table = dir.resolve("entities.tsv");

        Result nothing = run("transe", "--openke", data.toString());
        assertThat(nothing.exit()).isEqualTo(2);
        assertThat(nothing.err()).contains("Nothing to write", "--out FILE", "--export-openke DIR");

        Result openKeAsTsv = run("transe", "--triples", data.resolve("train2id.txt").toString(), "--out",
                table.toString());
        assertThat(openKeAsTsv.exit()).isEqualTo(2);
        assertThat(openKeAsTsv.err()).contains("train2id.txt:1: expected head<TAB>relation<TAB>tail",
                "looks like an OpenKE file", "--openke " + data);

        Path empty = Files.createDirectories(dir.resolve("empty"));
        Result noIds = run("transe", "--openke", empty.toString(), "--out", table.toString());
        assertThat(noIds.err()).contains("entity2id.txt is missing from the OpenKE folder " + empty);
        Result noIdsToImport = run("transe", "--import-openke", empty.toString(), "--out", table.toString());
        assertThat(noIdsToImport.exit()).isEqualTo(2);
        assertThat(noIdsToImport.err()).contains("entity2id.txt is missing from the OpenKE folder " + empty);
        assertThat(table).doesNotExist();

        Files.writeString(data.resolve("train2id.txt"), "3\n0 20 0\n1 21\n2 22 0\n");
        assertThat(run("transe", "--openke", data.toString(), "--out", table.toString()).err())
                .contains(data.resolve("train2id.txt") + ":3: expected `head tail relation`", "got `1 21`");
        Files.writeString(data.resolve("train2id.txt"), "2\n0 20 0\n1 99 0\n");
        assertThat(run("transe", "--openke", data.toString(), "--out", table.toString()).err())
                .contains("train2id.txt:3: tail id 99 is not one of the 26 ids of entity2id.txt");
        Files.writeString(data.resolve("train2id.txt"), "3\n0 20 0\n1 21 0\n");
        assertThat(run("transe", "--openke", data.toString(), "--out", table.toString()).err())
                .contains("train2id.txt: line 1 declares 3 triples, but 2 follow");
        Files.writeString(data.resolve("train2id.txt"), "0 20 0\n");
        assertThat(run("transe", "--openke", data.toString(), "--out", table.toString()).err())
                .contains("train2id.txt:1: expected the number of triples on the first line", "got `0 20 0`");
        Files.writeString(data.resolve("relation2id.txt"), "2\nlives in\t0\nworks in\n");
        assertThat(run("transe", "--openke", data.toString(), "--out", table.toString()).err())
                .contains("relation2id.txt:3: expected `name<TAB>id`", "got `works in`");
        assertThat(table).doesNotExist();
    }

    @Test
    void conflictingOrMissingHeldOutOptionsAreRefusedBeforeTraining(@TempDir Path dir) throws IOException {
        Path data = openKeFolder(dir);
        Files.delete(data.resolve("test2id.txt"));
        Result noTest = run(train(data, "--evaluate"));
        assertThat(noTest.exit()).isEqualTo(2);
        assertThat(noTest.err()).contains("--evaluate needs test triples: the --openke folder " + data + " has no "
                + "test2id.txt");
        assertThat(noTest.out()).doesNotContain("TransE epoch");

        Result metricsAlone = run(train(data, "--out", dir.resolve("t.tsv").toString(), "--metrics", "m.json"));
        assertThat(metricsAlone.err()).contains("--metrics writes the results of --evaluate");
        Result withTest = run(train(data, "--evaluate", "--test", data.resolve("valid2id.txt").toString()));
        assertThat(withTest.err()).contains("--openke reads its triples from the folder");
        Result intoItself = run(train(data, "--export-openke", data.toString()));
        assertThat(intoItself.err()).contains("is the --openke folder");
        Result badNorm = run(train(data, "--evaluate=valid", "--norm", "L3"));
        assertThat(badNorm.err()).contains("--norm must be L1 or L2");

        Result noVectors = run("transe-evaluate", "--openke", data.toString(), "--split", "valid");
        assertThat(noVectors.err()).contains("entity2vec.vec is missing from the OpenKE folder " + data,
                "pass --vectors DIR");

        // vectors numbered by other ids than the data's are refused, not ranked into garbage
        Path other = dir.resolve("other");
        Path triples = dir.resolve("triples.tsv");
        Files.writeString(triples, "city0\tlives in\tperson 0\n");
        assertThat(run("transe", "--triples", triples.toString(), "--export-openke", other.toString(), "--dim", "4",
                "--epochs", "1").exit()).isZero();
        Result renumbered = run("transe-evaluate", "--openke", data.toString(), "--vectors", other.toString(),
                "--split", "valid");
        assertThat(renumbered.exit()).isEqualTo(2);
        assertThat(renumbered.err()).contains("entity2id.txt does not number the names as the data folder does",
                "id 0 is `city0` there and `person 0` in the data");
    }
}
