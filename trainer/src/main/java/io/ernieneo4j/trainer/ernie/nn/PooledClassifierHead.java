package io.ernieneo4j.trainer.ernie.nn;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A linear classifier on the pooled [CLS], as the reference's fine-tuning heads: entity typing (multi-label, dropout
 * then {@code typing}, no bias; sigmoid and binary cross-entropy outside), relation classification (dropout then
 * {@code classifier}; softmax outside) and next-sentence prediction ({@code seq_relationship}, two classes, no
 * dropout as in BERT's pretraining head).
 *
 * <p>Input: pooled [CLS] (B, H_w). Output: logits (B, classes).
 */
public final class PooledClassifierHead extends AbstractBlock {

    private final int classes;
    private final Dropout dropout;
    private final Linear classifier;

    private PooledClassifierHead(String name, int classes, boolean bias, float dropoutRate) {
        if (classes < 1) {
            throw new IllegalArgumentException("A classifier needs at least one class, got " + classes + ".");
        }
        this.classes = classes;
        this.dropout = dropoutRate > 0 ? addChildBlock("dropout", Dropout.builder().optRate(dropoutRate).build())
                : null;
        this.classifier = addChildBlock(name, Linear.builder().setUnits(classes).optBias(bias).build());
    }

    /** Entity typing: {@code typing}, no bias, after dropout. */
    public static PooledClassifierHead typing(int types, float dropout) {
        return new PooledClassifierHead("typing", types, false, dropout);
    }

    /** Relation classification: {@code classifier}, with bias, after dropout. */
    public static PooledClassifierHead relation(int relations, float dropout) {
        return new PooledClassifierHead("classifier", relations, true, dropout);
    }

    /** Next-sentence prediction: {@code seq_relationship}, two classes (is next, is random). */
    public static PooledClassifierHead nextSentence() {
        return new PooledClassifierHead("seq_relationship", 2, true, 0f);
    }

    public int classes() {
        return classes;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        NDList pooled = dropout == null ? inputs : dropout.forward(parameterStore, inputs, training);
        return classifier.forward(parameterStore, pooled, training);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), classes)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        if (dropout != null) {
            dropout.initialize(manager, dataType, inputShapes);
        }
        classifier.initialize(manager, dataType, inputShapes);
    }
}
