package io.ernieneo4j.trainer.ernie.io;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The few bits of the protobuf wire format an ONNX file needs: varints, length-delimited fields, skipping. Reads a
 * window [position, limit) of a (memory-mapped) buffer without copying it.
 */
final class ProtoReader {

    static final int VARINT = 0;
    static final int FIXED64 = 1;
    static final int LENGTH_DELIMITED = 2;
    static final int FIXED32 = 5;

    private final ByteBuffer buffer;
    private int position;
    private final int limit;
    private int wireType;

    ProtoReader(ByteBuffer buffer, int position, int limit) {
        this.buffer = buffer;
        this.position = position;
        this.limit = limit;
    }

    int position() {
        return position;
    }

    boolean hasNext() {
        return position < limit;
    }

    /** Reads the next key and returns its field number; the wire type is then {@link #wireType()}. */
    int nextField() {
        long key = readVarint();
        wireType = (int) (key & 7);
        return (int) (key >>> 3);
    }

    int wireType() {
        return wireType;
    }

    long readVarint() {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte b = buffer.get(position++);
            result |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return result;
            }
        }
        throw new IllegalStateException("Malformed varint at byte " + position);
    }

    /** A reader over the length-delimited field just keyed; the outer reader moves past it. */
    ProtoReader readMessage() {
        int length = readLength();
        ProtoReader inner = new ProtoReader(buffer, position, position + length);
        position += length;
        return inner;
    }

    String readString() {
        int length = readLength();
        byte[] bytes = new byte[length];
        buffer.get(position, bytes);
        position += length;
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** The [start, end) byte range of the length-delimited field just keyed, skipping over it. */
    long[] readRange() {
        int length = readLength();
        long[] range = {position, position + length};
        position += length;
        return range;
    }

    void skip() {
        switch (wireType) {
            case VARINT -> readVarint();
            case FIXED64 -> position += 8;
            case LENGTH_DELIMITED -> {
                int length = readLength(); // moves past the length varint first
                position += length;
            }
            case FIXED32 -> position += 4;
            default -> throw new IllegalStateException("Unsupported protobuf wire type " + wireType
                    + " at byte " + position);
        }
    }

    private int readLength() {
        long length = readVarint();
        if (length < 0 || position + length > limit) {
            throw new IllegalStateException("Protobuf field of " + length + " bytes at byte " + position
                    + " runs past its message (ends at " + limit + ")");
        }
        return (int) length;
    }
}
