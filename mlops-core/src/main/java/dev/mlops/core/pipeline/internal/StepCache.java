package dev.mlops.core.pipeline.internal;

import dev.mlops.api.Nullable;
import dev.mlops.api.pipeline.Step;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Outputs of cacheable steps, one file per fingerprint under {@code <pipeline>/cache/<step>/}, each
 * written to a temporary file, forced and renamed into place. A file that cannot be read back is a
 * miss, never an error.
 */
final class StepCache {
    private static final Logger LOG = LoggerFactory.getLogger(StepCache.class);

    private StepCache() {
    }

    /** A cached output. */
    record Hit(@Nullable Object value, StepOutputs.Encoded encoded) {
    }

    static Optional<Hit> lookup(RunEnvironment env, String pipeline, Step<?> step, String key) {
        Path file = file(env, pipeline, step.name(), key);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            byte[] bytes = Files.readAllBytes(file);
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            int headerLength = buffer.getInt();
            byte[] head = new byte[headerLength];
            buffer.get(head);
            byte[] payload = new byte[buffer.remaining()];
            buffer.get(payload);
            Map<?, ?> header = env.json().read(head, Map.class);
            if (!StepOutputs.fingerprint(payload).equals(header.get("output"))) {
                LOG.warn("Cache entry {} does not match its fingerprint; ignoring it", file);
                return Optional.empty();
            }
            String codec = (String) header.get("codec");
            String type = (String) header.get("type");
            Object value = env.outputs().decode(step, payload, codec, type);
            return Optional.of(new Hit(value, new StepOutputs.Encoded(payload, codec, type)));
        } catch (IOException | RuntimeException e) {
            LOG.warn("Cache entry {} cannot be read ({}); running the step", file, e.toString());
            return Optional.empty();
        }
    }

    static void store(RunEnvironment env, String pipeline, Step<?> step, String key,
            StepOutputs.Encoded encoded) {
        Path file = file(env, pipeline, step.name(), key);
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("codec", encoded.codec());
        if (encoded.type() != null) {
            header.put("type", encoded.type());
        }
        header.put("output", StepOutputs.fingerprint(encoded.bytes()));
        byte[] head = env.json().write(header);
        ByteBuffer content = ByteBuffer.allocate(4 + head.length + encoded.bytes().length);
        content.putInt(head.length).put(head).put(encoded.bytes()).flip();
        try {
            Files.createDirectories(file.getParent());
            Path temp = Files.createTempFile(file.getParent(), key, ".tmp");
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                while (content.hasRemaining()) {
                    channel.write(content);
                }
                channel.force(true);
            }
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            LOG.warn("Cannot store cache entry {} ({}); the run goes on without it", file, e.toString());
        }
    }

    private static Path file(RunEnvironment env, String pipeline, String step, String key) {
        return env.pipelineDir(pipeline).resolve("cache").resolve(step).resolve(key + ".bin");
    }
}
