package io.ernieneo4j.trainer.linking;

import ai.djl.Device;
import io.ernieneo4j.trainer.align.AlignParameters;
import io.ernieneo4j.trainer.align.Aligner;
import io.ernieneo4j.trainer.align.AlignmentDictionary;
import io.ernieneo4j.trainer.align.LinkedMention;
import io.ernieneo4j.trainer.data.CorpusDocument;
import io.ernieneo4j.trainer.engine.DjlRuntime;
import io.ernieneo4j.trainer.ernie.ErnieModel;
import io.ernieneo4j.trainer.ernie.MiniLm;
import io.ernieneo4j.trainer.ernie.WordPieceTokenizer;
import io.ernieneo4j.trainer.ernie.config.ErnieConfig;
import io.ernieneo4j.trainer.ernie.io.OnnxCheckpoint;
import io.ernieneo4j.trainer.wordnet.Morphology;
import io.ernieneo4j.trainer.wordnet.Synset;
import io.ernieneo4j.trainer.wordnet.WordNet;
import io.ernieneo4j.trainer.wordnet.WordNetDatasets;

import java.util.*;

/** Scratch: zero-shot features of MiniLM for WordNet sense linking. */
public final class LinkingExperiment {
    record Example(String synset, String text, int start, int end) {}

    public static void main(String[] args) throws Exception {
        int limit = args.length > 0 ? Integer.parseInt(args[0]) : 800;
        WordNet wordNet = WordNet.load();
        Morphology morphology = Morphology.load();
        List<Synset> synsets = new ArrayList<>(wordNet.synsets().values());
        AlignmentDictionary.Builder builder = AlignmentDictionary.builder(morphology);
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < synsets.size(); i++) {
            Synset s = synsets.get(i);
            index.put(s.id(), i);
            int e = builder.entity(i, s.frequency());
            s.lemmas().forEach(l -> builder.name(e, l));
        }
        AlignmentDictionary dictionary = builder.build();
        Map<String, List<Example>> bySynset = new LinkedHashMap<>();
        for (CorpusDocument d : new WordNetDatasets(wordNet, morphology).corpus()) {
            if (!d.id().endsWith("#def")) {
                String synset = d.id().substring(0, d.id().indexOf('#'));
                bySynset.computeIfAbsent(synset, k -> new ArrayList<>())
                        .add(new Example(synset, d.text(), d.entities().get(0).start(), d.entities().get(0).end()));
            }
        }
        List<String> keys = new ArrayList<>(bySynset.keySet());
        Collections.sort(keys);
        Collections.shuffle(keys, new Random(42));
        int tenth = keys.size() / 10;
        List<Example> dev = keys.subList(0, tenth).stream().flatMap(k -> bySynset.get(k).stream()).toList();
        dev = dev.subList(0, Math.min(limit, dev.size()));

        MiniLm.startDjl();
        ErnieModel model;
        try (OnnxCheckpoint checkpoint = OnnxCheckpoint.open(MiniLm.onnx())) {
            model = DjlRuntime.call(() -> {
                try {
                    return ErnieModel.fromCheckpoint(ErnieConfig.miniLm().plainBert(), Device.cpu(), checkpoint,
                            n -> n.startsWith("pooler."), 42);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
        }
        WordPieceTokenizer tokenizer = WordPieceTokenizer.open(MiniLm.tokenizerJson(), 128);
        TextEncoder encoder = new TextEncoder(model, tokenizer);
        Aligner aligner = new Aligner(dictionary, new AlignParameters(1, true, 0, 0, 1000));
        int trainCount = args.length > 1 ? Integer.parseInt(args[1]) : 0;
        if (trainCount > 0) {
            List<Example> trainAll = keys.subList(2 * tenth, keys.size()).stream()
                    .flatMap(k -> bySynset.get(k).stream()).toList();
            List<Example> shuffled = new ArrayList<>(trainAll);
            Collections.shuffle(shuffled, new Random(7));
            List<TrainItem> items = new ArrayList<>();
            for (Example x : shuffled) {
                if (items.size() >= trainCount) break;
                for (LinkedMention m : aligner.align(x.text())) {
                    if (m.start() == x.start() && m.end() == x.end() && m.candidates().size() > 1) {
                        long gold = index.get(x.synset());
                        List<Long> cands = new ArrayList<>();
                        for (var c : m.candidates()) if (cands.size() < 7 && c.entityId() != gold) cands.add(c.entityId());
                        if (cands.size() == m.candidates().size()) continue; // gold not a candidate
                        cands.add(0, gold);
                        items.add(new TrainItem(x.text(), x.start(), x.end(),
                                cands.stream().map(id -> describe(synsets.get((int) (long) id))).toList()));
                    }
                }
            }
            float lr = args.length > 2 ? Float.parseFloat(args[2]) : 3e-5f;
            int batchSize = 8;
            long t = System.nanoTime();
            train(model, tokenizer, items, batchSize, lr);
            System.out.printf("trained on %d items in %.1f s%n", items.size(), (System.nanoTime() - t) / 1e9);
        }

        List<TextEncoder.SpanRequest> requests = new ArrayList<>();
        List<LinkedMention> golds = new ArrayList<>();
        List<Example> used = new ArrayList<>();
        int found = 0;
        for (Example x : dev) {
            for (LinkedMention m : aligner.align(x.text())) {
                if (m.start() == x.start() && m.end() == x.end()) {
                    found++;
                    if (m.candidates().size() > 1) {
                        requests.add(new TextEncoder.SpanRequest(x.text(), new int[][] {{x.start(), x.end()}}));
                        golds.add(m);
                        used.add(x);
                    }
                }
            }
        }
        Set<Long> candidateIds = new TreeSet<>();
        golds.forEach(m -> m.candidates().forEach(c -> candidateIds.add(c.entityId())));
        List<Long> ids = new ArrayList<>(candidateIds);
        Map<String, List<String>> hyper = new HashMap<>();
        for (var p : wordNet.pointers()) {
            if (p.relation().name().contains("HYPERNYM")) {
                hyper.computeIfAbsent(p.source(), k -> new ArrayList<>()).add(wordNet.synsets().get(p.target()).lemmas().get(0).replace('_', ' '));
            }
        }
        boolean withHypernyms = args.length > 3 && args[3].equals("hyper");
        List<String> descriptions = ids.stream().map(id -> {
            Synset s = synsets.get((int) (long) id);
            String d = describe(s);
            return withHypernyms && hyper.containsKey(s.id()) ? d + " (a kind of " + String.join(", ", hyper.get(s.id())) + ")" : d;
        }).toList();
        long t0 = System.nanoTime();
        float[][] desc = encoder.encode(descriptions);
        double descSeconds = (System.nanoTime() - t0) / 1e9;
        t0 = System.nanoTime();
        List<TextEncoder.Encoded> enc = encoder.encodeWithSpans(requests);
        double mentionSeconds = (System.nanoTime() - t0) / 1e9;
        Map<Long, float[]> descById = new HashMap<>();
        for (int i = 0; i < ids.size(); i++) descById.put(ids.get(i), desc[i]);
        System.out.printf("dev %d, found %d, ambiguous %d, candidates %d; desc %.1f/s, mentions %.1f/s%n",
                dev.size(), found, golds.size(), ids.size(), ids.size() / descSeconds, golds.size() / mentionSeconds);
        int headItems = args.length > 4 ? Integer.parseInt(args[4]) : 0;
        if (headItems > 0) {
            List<Example> trainAll = keys.subList(2 * tenth, keys.size()).stream()
                    .flatMap(k -> bySynset.get(k).stream()).toList();
            List<Example> shuffled = new ArrayList<>(trainAll);
            Collections.shuffle(shuffled, new Random(7));
            List<TextEncoder.SpanRequest> tr = new ArrayList<>();
            List<LinkedMention> tm = new ArrayList<>();
            List<Long> tg = new ArrayList<>();
            for (Example x : shuffled) {
                if (tr.size() >= headItems) break;
                for (LinkedMention m : aligner.align(x.text())) {
                    long gold = index.get(x.synset());
                    if (m.start() == x.start() && m.end() == x.end() && m.candidates().size() > 1
                            && m.candidates().stream().anyMatch(c -> c.entityId() == gold)) {
                        tr.add(new TextEncoder.SpanRequest(x.text(), new int[][] {{x.start(), x.end()}}));
                        tm.add(m);
                        tg.add(gold);
                    }
                }
            }
            Set<Long> more = new TreeSet<>();
            tm.forEach(m -> m.candidates().forEach(c -> { if (!descById.containsKey(c.entityId())) more.add(c.entityId()); }));
            List<Long> moreIds = new ArrayList<>(more);
            long t1 = System.nanoTime();
            float[][] moreVec = encoder.encode(moreIds.stream().map(id -> describe(synsets.get((int) (long) id))).toList());
            for (int i = 0; i < moreIds.size(); i++) descById.put(moreIds.get(i), moreVec[i]);
            List<TextEncoder.Encoded> te = encoder.encodeWithSpans(tr);
            System.out.printf("head data: %d items, %d more descriptions, %.1f s%n", tr.size(), moreIds.size(), (System.nanoTime() - t1) / 1e9);
            int H = encoder.dimensions();
            double[] W = new double[H * H];
            double s0 = 32;
            for (int h = 0; h < H; h++) W[h * H + h] = s0;
            double a = 1.0;
            double lr = args.length > 5 ? Double.parseDouble(args[5]) : 0.05;
            double reg = args.length > 6 ? Double.parseDouble(args[6]) : 1e-4;
            Random rnd = new Random(3);
            Integer[] order = new Integer[tr.size()];
            for (int i = 0; i < order.length; i++) order[i] = i;
            for (int epoch = 0; epoch < 10; epoch++) {
                Collections.shuffle(Arrays.asList(order), rnd);
                double lossSum = 0;
                for (int i : order) {
                    float[] m = te.get(i).text();
                    LinkedMention lm = tm.get(i);
                    int n = lm.candidates().size();
                    double[] wm = new double[H];
                    for (int r = 0; r < H; r++) { double acc = 0; for (int c = 0; c < H; c++) acc += m[c] * W[c * H + r]; wm[r] = acc; }
                    double[] sc = new double[n];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int k = 0; k < n; k++) {
                        float[] d = descById.get(lm.candidates().get(k).entityId());
                        double dd = 0; for (int r = 0; r < H; r++) dd += wm[r] * d[r];
                        sc[k] = dd + a * Math.log(lm.candidates().get(k).prior());
                        max = Math.max(max, sc[k]);
                    }
                    double z = 0; for (int k = 0; k < n; k++) { sc[k] = Math.exp(sc[k] - max); z += sc[k]; }
                    double[] g = new double[H]; double ga = 0;
                    for (int k = 0; k < n; k++) {
                        double p = sc[k] / z;
                        boolean isGold = lm.candidates().get(k).entityId() == tg.get(i);
                        if (isGold) lossSum -= Math.log(p);
                        double coef = p - (isGold ? 1 : 0);
                        float[] d = descById.get(lm.candidates().get(k).entityId());
                        for (int r = 0; r < H; r++) g[r] += coef * d[r];
                        ga += coef * Math.log(lm.candidates().get(k).prior());
                    }
                    // dL/dW[c][r] = m[c] * g[r]
                    for (int c = 0; c < H; c++) {
                        if (m[c] == 0) continue;
                        int off = c * H;
                        for (int r = 0; r < H; r++) W[off + r] -= lr * (m[c] * g[r] + reg * (W[off + r] - (c == r ? s0 : 0)));
                    }
                    a -= lr * 0.1 * ga;
                }
                // dev accuracy
                int right = 0;
                for (int i = 0; i < golds.size(); i++) {
                    float[] m = enc.get(i).text();
                    double[] wm = new double[H];
                    for (int r = 0; r < H; r++) { double acc = 0; for (int c = 0; c < H; c++) acc += m[c] * W[c * H + r]; wm[r] = acc; }
                    double best = Double.NEGATIVE_INFINITY; long bestId = -1;
                    for (var c : golds.get(i).candidates()) {
                        float[] d = descById.get(c.entityId());
                        double dd = 0; for (int r = 0; r < H; r++) dd += wm[r] * d[r];
                        double score = dd + a * Math.log(c.prior());
                        if (score > best) { best = score; bestId = c.entityId(); }
                    }
                    right += bestId == index.get(used.get(i).synset()) ? 1 : 0;
                }
                System.out.printf("epoch %d loss %.3f a %.3f dev ambiguous acc %.3f%n", epoch, lossSum / tr.size(), a, (double) right / golds.size());
            }
        }
        double[] ws = {0, 4, 8, 16, 24, 32, 48, 64, 128, 1000};
        for (int variant = 0; variant < 3; variant++) {
            StringBuilder line = new StringBuilder("variant " + variant + ":");
            for (double w : ws) {
                int right = 0;
                for (int i = 0; i < golds.size(); i++) {
                    LinkedMention m = golds.get(i);
                    long gold = index.get(used.get(i).synset());
                    double best = Double.NEGATIVE_INFINITY;
                    long bestId = -1;
                    for (var c : m.candidates()) {
                        float[] d = descById.get(c.entityId());
                        double cs = dot(enc.get(i).text(), d);
                        double cp = dot(enc.get(i).spans()[0], d);
                        double sim = variant == 0 ? cs : variant == 1 ? cp : (cs + cp) / 2;
                        double score = Math.log(c.prior()) + w * sim;
                        if (score > best) { best = score; bestId = c.entityId(); }
                    }
                    right += bestId == gold ? 1 : 0;
                }
                line.append(String.format(" w=%s:%.3f", w, (double) right / golds.size()));
            }
            System.out.println(line);
        }
    }

    record TrainItem(String text, int start, int end, List<String> descriptions) {}

    static void train(ErnieModel model, WordPieceTokenizer tokenizer, List<TrainItem> items, int batchSize, float lr)
            throws java.io.IOException {
        int steps = (items.size() + batchSize - 1) / batchSize;
        var schedule = io.ernieneo4j.trainer.training.LearningRateSchedule.warmupThenLinearDecay(lr, 0.1f, steps);
        var optimizer = new io.ernieneo4j.trainer.training.AdamW(model.parameters(), n -> n.startsWith("pooler."),
                0.01f, 1.0f);
        var listener = new io.ernieneo4j.trainer.training.TrainingListener() {
            double sum; int n;
            @Override public void onStep(int step, float loss, float rate) {
                sum += loss; n++;
                if (n % 50 == 0) { System.out.printf("step %d loss %.3f%n", step, sum / n); sum = 0; n = 0; }
            }
        };
        var loop = new io.ernieneo4j.trainer.training.TrainingLoop(model, List.of(), optimizer, schedule, 42, 0,
                listener, io.ernieneo4j.trainer.run.Termination.ALWAYS);
        java.nio.file.Path out = java.nio.file.Files.createTempDirectory("linking");
        loop.run(new io.ernieneo4j.trainer.training.TrainingLoop.Work() {
            public List<int[]> batches(int epoch) {
                List<int[]> b = new ArrayList<>();
                for (int i = 0; i < items.size(); i += batchSize) {
                    int[] idx = new int[Math.min(batchSize, items.size() - i)];
                    for (int k = 0; k < idx.length; k++) idx[k] = i + k;
                    b.add(idx);
                }
                return b;
            }
            public ai.djl.ndarray.NDArray loss(int[] batch, ai.djl.ndarray.NDManager scope, int step) {
                return LinkingLoss.loss(model, tokenizer, scope, java.util.Arrays.stream(batch).mapToObj(items::get).toList());
            }
            public long pieces(int[] batch) { return 0; }
            public int examples() { return items.size(); }
            public double evaluate(int epoch) { return Double.NaN; }
            public void keep() {}
        }, 1, new io.ernieneo4j.trainer.training.ModelOutput(out, MiniLm.tokenizerJson(), 128, null), false);
    }

    static String describe(Synset s) {
        return String.join(", ", s.lemmas()).replace('_', ' ') + ": " + s.definition();
    }

    static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }
}
