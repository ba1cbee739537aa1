package io.derain.pipeline.serve;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.derain.models.SettingsException;
import io.derain.models.restore.ModelCatalog;
import io.derain.operators.derain.Precision;
import io.derain.pipeline.InputException;
import io.derain.pipeline.job.Quantities;
import io.derain.pipeline.sink.Retention;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Reads a cameras file (YAML) into a {@link ServeConfig}, strictly: an unknown key, a missing one or a value out of
 * range is one {@link InputException} naming the file, the key's path ({@code cameras[1].fps}) and the problem, so a
 * typo never silently falls back to a default.
 *
 * <pre>
 * model: lite          # a bundled model or a weights file
 * batch: 8             # frames of different cameras inferred together
 * max-wait: 100ms      # how long a partial batch waits
 * precision: auto      # optional: auto (the hardware's native), fp32, bf16, int8 or fp16 (CUDA)
 * cameras:
 *   - id: cam1
 *     input: rtsp://127.0.0.1:8554/cam1
 *     output: rec/cam1-%Y%m%d-%H%M%S.mp4
 *     segment: 60s     # optional: rolling segments
 *     fps: 5           # optional: frames per second kept (default all)
 *     max-latency: 1s  # optional (default 1s)
 *     retain:          # optional, with segment: delete this camera's oldest closed segments past any limit
 *       max-age: 7d
 *       max-size: 50GiB
 *       min-free: 10GiB  # free space to leave on the disk
 * </pre>
 */
public final class ServeConfigFile {
    /** Larger files are refused unread: a cameras file of a thousand cameras is ~200 KiB. */
    static final long MAX_BYTES = 1 << 20;
    private static final Set<String> TOP = Set.of("model", "batch", "max-wait", "precision", "cameras");
    private static final Set<String> CAMERA = Set.of("id", "input", "output", "segment", "fps", "max-latency", "retain");
    private static final Set<String> RETAIN = Set.of("max-age", "max-size", "min-free");

    private ServeConfigFile() {}

    /** @throws InputException a missing, unreadable, oversized or malformed file, or a bad value in it */
    public static ServeConfig read(Path file) {
        String text;
        try {
            if (Files.size(file) > MAX_BYTES) throw new InputException(file + ": larger than " + MAX_BYTES + " bytes; not a cameras file");
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new InputException(file + ": not found");
        } catch (IOException e) {
            throw new InputException(file + ": cannot read: " + e.getMessage(), e);
        }
        return parse(text, file.toString());
    }

    /** The same from text; {@code name} names it in errors (a file, "POST body"). */
    public static ServeConfig parse(String text, String name) {
        JsonNode root;
        try {
            root = new YAMLMapper().readTree(text);
        } catch (JacksonException e) {
            String where = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")";
            throw new InputException(name + ": not valid YAML" + where + ": " + oneLine(e.getOriginalMessage()));
        }
        try {
            if (root == null || !root.isObject()) throw new SettingsException("expected a mapping with model, batch, max-wait and cameras");
            keys(root, TOP, "");
            JsonNode cams = root.get("cameras");
            if (cams == null || !cams.isArray()) throw new SettingsException("cameras: expected a list of cameras");
            List<CameraConfig> cameras = new ArrayList<>();
            for (int i = 0; i < cams.size(); i++) cameras.add(camera(cams.get(i), "cameras[" + i + "]"));
            Precision precision;
            try {
                precision = Precision.parse(text(root, "precision", "", "auto"));
            } catch (SettingsException e) {
                throw new SettingsException(e.getMessage()); // "precision: expected ..."
            }
            return new ServeConfig(text(root, "model", "", ModelCatalog.DEFAULT), integer(root, "batch", "", 8),
                    duration(root, "max-wait", "", Duration.ofMillis(100)), cameras, precision);
        } catch (SettingsException e) {
            throw new InputException(name + ": " + e.getMessage(), e);
        }
    }

    /**
     * One camera as the file's list holds it, from a request body (JSON is YAML): {@code name} names it in errors.
     *
     * @throws InputException malformed text or a bad value, one line
     */
    public static CameraConfig parseCamera(String text, String name) {
        JsonNode node;
        try {
            node = new YAMLMapper().readTree(text);
        } catch (JacksonException e) {
            throw new InputException(name + ": not valid JSON or YAML: " + oneLine(e.getOriginalMessage()));
        }
        try {
            return camera(node, "camera");
        } catch (SettingsException e) {
            throw new InputException(name + ": " + e.getMessage(), e);
        }
    }

    /** SnakeYAML's message without its snippet of the file and caret lines. */
    private static String oneLine(String message) {
        return String.join(", ", message.lines().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("in ") && !l.contains("^") && !l.startsWith("at [Source")).toList());
    }

    private static CameraConfig camera(JsonNode node, String path) {
        if (node == null || !node.isObject()) throw new SettingsException(path + ": expected a mapping with id, input and output");
        keys(node, CAMERA, path + ".");
        try {
            return CameraConfig.builder(text(node, "id", path + ".", null), text(node, "input", path + ".", null),
                            text(node, "output", path + ".", null))
                    .segment(duration(node, "segment", path + ".", null)).fps(number(node, "fps", path + ".", 0))
                    .maxLatency(duration(node, "max-latency", path + ".", Duration.ofSeconds(1)))
                    .retain(retention(node.get("retain"), path + ".retain")).build();
        } catch (SettingsException e) {
            throw e.getMessage().startsWith(path) ? e : new SettingsException(path + "." + e.getMessage());
        }
    }

    private static Retention retention(JsonNode node, String path) {
        if (node == null || node.isNull()) return Retention.NONE;
        if (!node.isObject()) throw new SettingsException(path + ": expected a mapping with max-age, max-size or min-free");
        keys(node, RETAIN, path + ".");
        try {
            return Retention.builder().maxAge(duration(node, "max-age", path + ".", null))
                    .maxBytes(size(node, "max-size", path + ".")).minFreeBytes(size(node, "min-free", path + ".")).build();
        } catch (SettingsException e) {
            throw e.getMessage().startsWith(path) ? e : new SettingsException(path + "." + e.getMessage());
        }
    }

    private static long size(JsonNode node, String key, String path) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) return 0;
        if (!v.isValueNode() || v.isBoolean()) throw new SettingsException(path + key + ": expected a size like 50GiB, got " + v);
        try {
            return Quantities.bytes(v.asText());
        } catch (SettingsException e) {
            throw new SettingsException(path + key + ": " + e.getMessage());
        }
    }

    private static void keys(JsonNode node, Set<String> allowed, String path) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!allowed.contains(key)) {
                throw new SettingsException(path + key + ": unknown key (expected one of " + new java.util.TreeSet<>(allowed) + ")");
            }
        }
    }

    private static String text(JsonNode node, String key, String path, String fallback) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) return fallback;
        if (!v.isValueNode() || v.isBoolean()) throw new SettingsException(path + key + ": expected text");
        return v.asText();
    }

    private static int integer(JsonNode node, String key, String path, int fallback) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) return fallback;
        if (!v.isIntegralNumber() || !v.canConvertToInt()) throw new SettingsException(path + key + ": expected a whole number, got " + v);
        return v.intValue();
    }

    private static double number(JsonNode node, String key, String path, double fallback) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) return fallback;
        if (!v.isNumber()) throw new SettingsException(path + key + ": expected a number, got " + v);
        return v.doubleValue();
    }

    /** 500ms, 60s, 2m, 1h, 7d (see {@link Quantities#duration}); a bare number is seconds. */
    static Duration duration(JsonNode node, String key, String path, Duration fallback) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) return fallback;
        if (!v.isValueNode() || v.isBoolean()) {
            throw new SettingsException(path + key + ": expected a duration like 100ms, 60s, 2m, 1h or 7d, got " + v);
        }
        try {
            return Quantities.duration(v.asText());
        } catch (SettingsException e) {
            throw new SettingsException(path + key + ": " + e.getMessage());
        }
    }
}
