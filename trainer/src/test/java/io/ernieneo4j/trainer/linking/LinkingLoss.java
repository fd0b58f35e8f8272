package io.ernieneo4j.trainer.linking;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.ernieneo4j.trainer.ernie.EncoderBatch;
import io.ernieneo4j.trainer.ernie.ErnieModel;
import io.ernieneo4j.trainer.ernie.TokenizedText;
import io.ernieneo4j.trainer.ernie.WordPieceTokenizer;

import java.util.ArrayList;
import java.util.List;

/** Scratch: the contrastive loss of a bi-encoder over each mention's own candidates (gold first). */
final class LinkingLoss {
    static final float SCALE = 20f;

    static NDArray loss(ErnieModel model, WordPieceTokenizer tokenizer, NDManager scope,
                        List<LinkingExperiment.TrainItem> items) {
        List<TokenizedText> contexts = items.stream().map(i -> tokenizer.encode(i.text())).toList();
        EncoderBatch ctx = EncoderBatch.tokens(contexts);
        float[] spanWeights = new float[ctx.batch() * ctx.length()];
        for (int b = 0; b < items.size(); b++) {
            TokenizedText t = contexts.get(b);
            List<Integer> pieces = new ArrayList<>();
            for (int p = 0; p < t.length(); p++) {
                if (t.starts()[p] >= 0 && t.starts()[p] < items.get(b).end() && t.ends()[p] > items.get(b).start()) {
                    pieces.add(p);
                }
            }
            if (pieces.isEmpty()) {
                for (int p = 0; p < t.length(); p++) pieces.add(p);
            }
            for (int p : pieces) spanWeights[b * ctx.length() + p] = 1f / pieces.size();
        }
        NDArray states = model.hiddenStates(ctx.toNDList(scope), true);
        NDArray weights = scope.create(spanWeights, new Shape(ctx.batch(), ctx.length())).expandDims(2);
        NDArray mention = unit(states.mul(weights).sum(new int[] {1}));

        List<TokenizedText> descs = new ArrayList<>();
        int[] owner = new int[0];
        List<Integer> owners = new ArrayList<>();
        int[] goldColumn = new int[items.size()];
        for (int b = 0; b < items.size(); b++) {
            goldColumn[b] = descs.size();
            for (String d : items.get(b).descriptions()) {
                descs.add(tokenizer.encode(d));
                owners.add(b);
            }
        }
        EncoderBatch db = EncoderBatch.tokens(descs);
        float[] mask = new float[db.batch() * db.length()];
        for (int r = 0; r < db.batch(); r++) {
            for (int p = 0; p < descs.get(r).length(); p++) mask[r * db.length() + p] = 1f / descs.get(r).length();
        }
        NDArray dstates = model.hiddenStates(db.toNDList(scope), true);
        NDArray dmask = scope.create(mask, new Shape(db.batch(), db.length())).expandDims(2);
        NDArray desc = unit(dstates.mul(dmask).sum(new int[] {1}));
        NDArray scores = mention.matMul(desc.transpose()).mul(SCALE); // (B, N)
        float[] additive = new float[items.size() * descs.size()];
        for (int b = 0; b < items.size(); b++) {
            for (int c = 0; c < descs.size(); c++) {
                additive[b * descs.size() + c] = owners.get(c) == b ? 0f : -1e4f;
            }
        }
        scores = scores.add(scope.create(additive, new Shape(items.size(), descs.size())));
        NDArray logp = scores.logSoftmax(1);
        float[] pick = new float[items.size() * descs.size()];
        for (int b = 0; b < items.size(); b++) pick[b * descs.size() + goldColumn[b]] = 1f;
        return logp.mul(scope.create(pick, new Shape(items.size(), descs.size()))).sum().neg().div(items.size());
    }

    private static NDArray unit(NDArray v) {
        return v.div(v.norm(new int[] {1}, true).add(1e-9f));
    }
}
