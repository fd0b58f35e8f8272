package io.ernieneo4j.plugin.model;

import org.neo4j.procedure.Description;

import java.util.Map;

/** What the {@code .estimate} procedures of ERNIE inference yield (GDS's columns, then what they are made of). */
public record MentionEstimate(
        @Description("bytesMax, readable.") String requiredMemory,
        @Description("Lower bound in bytes: model, one layer's activations of a batch, the inputs without rows.") long bytesMin,
        @Description("Upper bound in bytes: model, every layer's activations of a batch, the inputs with every row.") long bytesMax,
        @Description("The model's parameters (native memory, held while it is loaded; as ernie.model.list reports).") long modelBytes,
        @Description("One batch of batchSize × maxLength word pieces, one layer's arrays (native memory).") long activationBytesMin,
        @Description("One batch of batchSize × maxLength word pieces, all layers' arrays (native memory).") long activationBytesMax,
        @Description("Heap for the documents read and the examples encoded at once (a batch and a document).") long inputBytesMin,
        @Description("inputBytesMin plus every example's rows over the threshold.") long inputBytesMax,
        @Description("Documents with a text and MENTIONS (nodes read).") long nodeCount,
        @Description("Their MENTIONS relationships (relationships read; at any link score).") long relationshipCount,
        @Description("Model inputs: mentions for typing, ordered mention pairs for relations (at most).") long exampleCount,
        @Description("Sequences per batch.") long batchSize,
        @Description("The model's maximum sequence length in word pieces.") long maxLength,
        @Description("The configuration used.") Map<String, Object> configuration) {}
