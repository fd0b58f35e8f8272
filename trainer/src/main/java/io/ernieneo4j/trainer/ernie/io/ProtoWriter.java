package io.ernieneo4j.trainer.ernie.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * One protobuf message to write, built field by field, then sized and streamed: the writing half of
 * {@link ProtoReader}, for the ONNX files the trainer exports.
 *
 * <p>Why not {@code com.google.protobuf:protobuf-java}: without generated classes (there is no protoc in this build)
 * it offers {@code CodedOutputStream}, which encodes varints and keys but still needs every nested message's length
 * before the message: the tree of fields and the sizing below would be needed anyway, so it would save only the
 * varint loop. And the plugin shades this module into a server that may carry its own protobuf (GDS uses one), so a
 * protobuf in the plugin jar would need relocating. The wire format this needs is four cases (varint, fixed32,
 * length-delimited bytes, nested message); ONNX Runtime reading the result is the test of it.
 *
 * <p>Large float tensors are not copied into the message: a {@link #floats} field holds its length and a supplier
 * that is asked for the values only while the message is written, one tensor at a time. A message is written once;
 * sizes are cached, so fields must not be added after {@link #size()} was asked.
 */
public final class ProtoWriter {

    private static final int VARINT = 0;
    private static final int LENGTH_DELIMITED = 2;
    private static final int FIXED32 = 5;

    private sealed interface Field permits Varint, Fixed32, Bytes, Message, Floats {}

    private record Varint(int number, long value) implements Field {}

    private record Fixed32(int number, int bits) implements Field {}

    private record Bytes(int number, byte[] bytes) implements Field {}

    private record Message(int number, ProtoWriter message) implements Field {}

    private record Floats(int number, long count, Supplier<float[]> values) implements Field {}

    private final List<Field> fields = new ArrayList<>();
    private long size = -1;

    /** An int64, int32 or enum field (negative values take ten bytes, as protobuf encodes them). */
    public ProtoWriter varint(int number, long value) {
        return add(new Varint(number, value));
    }

    /** A float field (fixed32). */
    public ProtoWriter float32(int number, float value) {
        return add(new Fixed32(number, Float.floatToRawIntBits(value)));
    }

    public ProtoWriter string(int number, String value) {
        return add(new Bytes(number, value.getBytes(StandardCharsets.UTF_8)));
    }

    public ProtoWriter bytes(int number, byte[] value) {
        return add(new Bytes(number, value.clone()));
    }

    public ProtoWriter message(int number, ProtoWriter message) {
        return add(new Message(number, message));
    }

    /**
     * A bytes field holding {@code count} floats, little-endian (ONNX's {@code raw_data}); {@code values} is called
     * while writing and must then return exactly {@code count} values.
     */
    public ProtoWriter floats(int number, long count, Supplier<float[]> values) {
        return add(new Floats(number, count, values));
    }

    private ProtoWriter add(Field field) {
        if (size >= 0) {
            throw new IllegalStateException("A protobuf message cannot grow after it was sized.");
        }
        fields.add(field);
        return this;
    }

    /** The encoded size in bytes (without a key or length of its own). */
    public long size() {
        if (size < 0) {
            long total = 0;
            for (Field field : fields) {
                total += switch (field) {
                    case Varint v -> keySize(v.number) + varintSize(v.value);
                    case Fixed32 f -> keySize(f.number) + 4;
                    case Bytes b -> delimitedSize(b.number, b.bytes.length);
                    case Message m -> delimitedSize(m.number, m.message.size());
                    case Floats f -> delimitedSize(f.number, 4 * f.count);
                };
            }
            size = total;
        }
        return size;
    }

    /** Streams the message (no key or length of its own, as a top-level message is stored). */
    public void writeTo(OutputStream out) throws IOException {
        for (Field field : fields) {
            switch (field) {
                case Varint v -> {
                    writeKey(out, v.number, VARINT);
                    writeVarint(out, v.value);
                }
                case Fixed32 f -> {
                    writeKey(out, f.number, FIXED32);
                    out.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(f.bits).array());
                }
                case Bytes b -> {
                    writeKey(out, b.number, LENGTH_DELIMITED);
                    writeVarint(out, b.bytes.length);
                    out.write(b.bytes);
                }
                case Message m -> {
                    writeKey(out, m.number, LENGTH_DELIMITED);
                    writeVarint(out, m.message.size());
                    m.message.writeTo(out);
                }
                case Floats f -> writeFloats(out, f);
            }
        }
    }

    private static void writeFloats(OutputStream out, Floats field) throws IOException {
        float[] values = field.values.get();
        if (values.length != field.count) {
            throw new IllegalStateException(String.format(java.util.Locale.ROOT,
                    "A tensor announced %d values but supplied %d.", field.count, values.length));
        }
        writeKey(out, field.number, LENGTH_DELIMITED);
        writeVarint(out, 4 * field.count);
        ByteBuffer chunk = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        for (float value : values) {
            if (!chunk.hasRemaining()) {
                out.write(chunk.array(), 0, chunk.position());
                chunk.clear();
            }
            chunk.putFloat(value);
        }
        out.write(chunk.array(), 0, chunk.position());
    }

    private static long delimitedSize(int number, long length) {
        return keySize(number) + varintSize(length) + length;
    }

    private static long keySize(int number) {
        return varintSize((long) number << 3);
    }

    private static int varintSize(long value) {
        int bytes = 1;
        while ((value & ~0x7FL) != 0) {
            value >>>= 7;
            bytes++;
        }
        return bytes;
    }

    private static void writeKey(OutputStream out, int number, int wireType) throws IOException {
        writeVarint(out, ((long) number << 3) | wireType);
    }

    private static void writeVarint(OutputStream out, long value) throws IOException {
        while ((value & ~0x7FL) != 0) {
            out.write((int) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        out.write((int) value);
    }
}
