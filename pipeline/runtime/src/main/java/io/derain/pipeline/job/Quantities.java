package io.derain.pipeline.job;

import io.derain.models.SettingsException;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations and byte sizes as people write them in settings, one syntax for the command line and the cameras file:
 * {@code 500ms}, {@code 5s}, {@code 1.5s}, {@code 2m}, {@code 1h}, {@code 7d} (a bare number is seconds), and
 * {@code 512MiB}, {@code 50GiB}, {@code 2GB}, {@code 100k} (binary and decimal units, a bare number is bytes).
 */
public final class Quantities {
    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h|d)?");
    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(b|k|kb|kib|m|mb|mib|g|gb|gib|t|tb|tib)?");
    private static final double LONGEST_MILLIS = 366.0 * 86_400_000;

    private Quantities() {}

    /** @throws SettingsException for text that is no duration, or one longer than a year */
    public static Duration duration(String text) {
        Matcher m = DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) throw new SettingsException("expected a duration like 500ms, 60s, 2m, 1h or 7d, got '" + text + "'");
        double millis = Double.parseDouble(m.group(1)) * switch (m.group(2) == null ? "s" : m.group(2)) {
            case "ms" -> 1;
            case "m" -> 60_000;
            case "h" -> 3_600_000;
            case "d" -> 86_400_000;
            default -> 1000;
        };
        if (millis > LONGEST_MILLIS) throw new SettingsException("longer than a year: '" + text + "'");
        return Duration.ofMillis(Math.round(millis));
    }

    /** Bytes; {@code k}, {@code KiB} are 1024, {@code KB} 1000 (and so on up to T). @throws SettingsException for text that is no size */
    public static long bytes(String text) {
        Matcher m = SIZE.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) throw new SettingsException("expected a size like 500MiB, 50GiB or 2GB, got '" + text + "'");
        String unit = m.group(2) == null ? "b" : m.group(2);
        double base = unit.length() == 2 && unit.endsWith("b") ? 1000 : 1024;
        int power = "bkmgt".indexOf(unit.charAt(0));
        double bytes = Double.parseDouble(m.group(1)) * Math.pow(base, power);
        if (bytes >= Long.MAX_VALUE) throw new SettingsException("too large: '" + text + "'");
        return Math.round(bytes);
    }
}
