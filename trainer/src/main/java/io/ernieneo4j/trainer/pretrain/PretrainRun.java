package io.ernieneo4j.trainer.pretrain;

import ai.djl.Device;
import io.ernieneo4j.trainer.data.CorpusDocument;
import io.ernieneo4j.trainer.ernie.EntityTable;
import io.ernieneo4j.trainer.ernie.ErnieModel;
import io.ernieneo4j.trainer.ernie.ErnieTask;
import io.ernieneo4j.trainer.ernie.WordPieceTokenizer;
import io.ernieneo4j.trainer.ernie.config.ErnieConfig;
import io.ernieneo4j.trainer.training.StartingWeights;
import io.ernieneo4j.trainer.infer.EncodedExample;
import io.ernieneo4j.trainer.infer.ExampleEncoder;
import io.ernieneo4j.trainer.infer.SourceLine;
import io.ernieneo4j.trainer.infer.UnknownEntities;
import io.ernieneo4j.trainer.run.Termination;
import io.ernieneo4j.trainer.training.ModelOutput;
import io.ernieneo4j.trainer.training.TrainingListener;
import io.ernieneo4j.trainer.training.TrainingState;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One pretraining run from texts to a saved encoder, as {@code ernie-trainer pretrain} and the plugin's
 * {@code ernie.model.pretrain} run it: the texts encoded with their aligned entities, the starting weights loaded as
 * an {@code encoder}, {@link Pretrainer#fit}, and what {@code metrics.json} records. Where the texts come from (a
 * corpus file, the graph) is the caller's business.
 */
public final class PretrainRun {

    private PretrainRun() {}

    /**
     * How a run reads its texts and where it starts.
     *
     * @param init            the starting weights ({@link StartingWeights}: an ONNX BERT, a model folder, a
     *                        reference folder)
     * @param architecture    the shape of an ONNX {@code init}
     * @param tokenizerJson   the Hugging Face tokenizer the texts are cut with
     * @param maxLength       word pieces per text, [CLS] and [SEP] included; longer texts are cut
     * @param unknownEntities what a mention of an entity missing from the entity table does
     */
    public record Settings(Path init, ErnieConfig architecture, Path tokenizerJson, int maxLength,
                           UnknownEntities unknownEntities, PretrainParameters parameters, Device device) {}

    /**
     * What a run did.
     *
     * @param texts     the texts trained on
     * @param alignment how the mentions met the entity table
     * @param state     the steps and each epoch's loss
     */
    public record Result(int texts, String alignment, TrainingState state) {

        /**
         * The record {@code metrics.json} holds.
         *
         * @param corpus   where the texts came from, in words
         * @param entities where the entity vectors came from, in words
         * @param init     where the weights started from, in words
         */
        public Map<String, Object> metrics(String corpus, String entities, String init, Settings settings) {
            Map<String, Object> metrics = new LinkedHashMap<>();
            metrics.put("task", "pretrain");
            metrics.put("corpus", corpus);
            metrics.put("entities", entities);
            metrics.put("init", init);
            metrics.put("texts", texts);
            metrics.put("alignment", alignment);
            metrics.put("maxLength", settings.maxLength());
            metrics.put("parameters", settings.parameters());
            metrics.put("steps", state.step());
            metrics.put("history", state.history());
            return metrics;
        }

        /** The last epoch's mean training loss (NaN before the first epoch ends). */
        public double lastLoss() {
            return state.history().isEmpty() ? Double.NaN
                    : state.history().get(state.history().size() - 1).trainLoss();
        }
    }

    /**
     * Encodes the texts, loads the starting weights as an encoder and pretrains them into {@code output}.
     *
     * @param resume continue from the checkpoint in {@code output.checkpoint()}
     */
    public static Result run(List<SourceLine<CorpusDocument>> corpus, EntityTable entities, Settings settings,
                             ModelOutput output, boolean resume, TrainingListener listener, Termination termination)
            throws IOException {
        try (WordPieceTokenizer pieces = WordPieceTokenizer.open(settings.tokenizerJson(), settings.maxLength())) {
            ExampleEncoder encoder = new ExampleEncoder(pieces, null, entities, settings.unknownEntities());
            List<EncodedExample> texts = encoder.corpus(corpus);
            listener.info(String.format(Locale.ROOT, "pretrain: %d texts; %s", texts.size(), encoder.counts()));
            long seed = settings.parameters().training().seed();
            try (ErnieModel model = StartingWeights.load(settings.init(), settings.architecture(), ErnieTask.ENCODER,
                    List.of(), settings.device(), seed)) {
                TrainingState state = new Pretrainer(model, entities, settings.parameters(), listener, termination)
                        .fit(texts, output, resume);
                return new Result(texts.size(), encoder.counts().toString(), state);
            }
        }
    }
}
