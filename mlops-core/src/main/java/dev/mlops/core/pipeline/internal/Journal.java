package dev.mlops.core.pipeline.internal;

import dev.mlops.api.MlopsException;
import dev.mlops.core.platform.JsonCodec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * An append-only run journal. Each record is a frame {@code [int bodyLength][int crc32c(body)][body]}
 * with {@code body = [int headerLength][header JSON][payload]}; every append is forced to disk before
 * it returns. Reading stops at the first frame that is cut short or fails its checksum — the torn
 * tail of a crash — and {@link #openForAppend} cuts that tail off before writing again.
 */
public final class Journal implements AutoCloseable {
    private static final int MAX_BODY = 1 << 30;

    private final Path file;
    private final FileChannel channel;
    private final JsonCodec json;

    private Journal(Path file, FileChannel channel, JsonCodec json) {
        this.file = file;
        this.channel = channel;
        this.json = json;
    }

    /** One record: its header fields and its payload (empty when none). */
    public record Entry(Map<String, Object> header, byte[] payload) {
        /** The header field as a string, or null. */
        public String text(String key) {
            Object value = header.get(key);
            return value == null ? null : value.toString();
        }
    }

    /** The records of a journal up to its first damaged frame, and the length of the intact part. */
    public record Contents(List<Entry> entries, long intactLength, boolean tornTail) {
    }

    /**
     * Creates a new journal; fails if one exists.
     */
    public static Journal create(Path file, JsonCodec json) {
        try {
            Files.createDirectories(file.getParent());
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            forceDirectory(file.getParent());
            return new Journal(file, channel, json);
        } catch (IOException e) {
            throw new MlopsException("cannot create run journal " + file + ": " + e, e, false);
        }
    }

    /**
     * Opens an existing journal for appending, first cutting off a torn tail.
     */
    public static Journal openForAppend(Path file, long intactLength, JsonCodec json) {
        try {
            FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE);
            if (channel.size() > intactLength) {
                channel.truncate(intactLength);
                channel.force(true);
            }
            channel.position(intactLength);
            return new Journal(file, channel, json);
        } catch (IOException e) {
            throw new MlopsException("cannot open run journal " + file + ": " + e, e, false);
        }
    }

    /**
     * Reads every intact record.
     */
    public static Contents read(Path file, JsonCodec json) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new MlopsException("cannot read run journal " + file + ": " + e, e, true);
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        List<Entry> entries = new ArrayList<>();
        long intact = 0;
        while (buffer.remaining() >= 8) {
            int length = buffer.getInt();
            int crc = buffer.getInt();
            if (length < 4 || length > MAX_BODY || length > buffer.remaining()) {
                break;
            }
            CRC32C check = new CRC32C();
            check.update(bytes, buffer.position(), length);
            if ((int) check.getValue() != crc) {
                break;
            }
            ByteBuffer body = buffer.slice(buffer.position(), length);
            buffer.position(buffer.position() + length);
            int headerLength = body.getInt();
            if (headerLength < 0 || headerLength > length - 4) {
                break;
            }
            byte[] header = new byte[headerLength];
            body.get(header);
            byte[] payload = new byte[body.remaining()];
            body.get(payload);
            @SuppressWarnings("unchecked")
            Map<String, Object> fields = json.read(header, Map.class);
            entries.add(new Entry(fields, payload));
            intact = buffer.position();
        }
        return new Contents(entries, intact, intact < bytes.length);
    }

    /**
     * Appends a record and forces it to disk.
     */
    public synchronized void append(Map<String, Object> header, byte[] payload) {
        byte[] head = json.write(header);
        int length = 4 + head.length + payload.length;
        ByteBuffer frame = ByteBuffer.allocate(8 + length);
        frame.putInt(length).putInt(0).putInt(head.length).put(head).put(payload);
        CRC32C crc = new CRC32C();
        crc.update(frame.array(), 8, length);
        frame.putInt(4, (int) crc.getValue());
        frame.flip();
        try {
            while (frame.hasRemaining()) {
                channel.write(frame);
            }
            channel.force(false);
        } catch (IOException e) {
            throw new MlopsException("cannot append to run journal " + file + ": " + e, e, true);
        }
    }

    @Override
    public synchronized void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new MlopsException("cannot close run journal " + file + ": " + e, e, false);
        }
    }

    static void forceDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Some file systems cannot open directories; the entry is durable once the file is.
        }
    }
}
