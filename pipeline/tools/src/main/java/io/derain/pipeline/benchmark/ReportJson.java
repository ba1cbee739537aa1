package io.derain.pipeline.benchmark;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The JSON of a report: one line, maps in their insertion order, NaN and infinities as {@code null}. */
public final class ReportJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ReportJson() {}

    /** {@code value} (maps, lists, strings, numbers, booleans, null) as one line of JSON. */
    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(finite(value));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("a report is not JSON", e);
        }
    }

    /** JSON has no NaN: a ratio or rate that could not be measured is {@code null}. */
    private static Object finite(Object value) {
        if (value instanceof Double d && (d.isNaN() || d.isInfinite())) return null;
        if (value instanceof Map<?, ?> map) {
            Map<Object, Object> copy = new LinkedHashMap<>();
            map.forEach((k, v) -> copy.put(k, finite(v)));
            return copy;
        }
        if (value instanceof List<?> list) return list.stream().map(ReportJson::finite).toList();
        return value;
    }
}
