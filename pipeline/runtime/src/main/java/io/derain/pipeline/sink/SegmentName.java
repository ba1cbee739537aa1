package io.derain.pipeline.sink;

import io.derain.pipeline.InputException;
import io.derain.pipeline.source.MediaPaths;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The file name pattern of a segmented recording, e.g. {@code rec/cam1-%Y%m%d-%H%M%S.mp4}: strftime-like
 * conversions {@code %Y %m %d %H %M %S} (year, month, day, hour, minute, second, zero-padded) and
 * {@code %%} for a literal {@code %}, expanded in the file name only; the directory is taken literally.
 *
 * <p>A pattern without a time conversion gets the segment number, {@code -NNNNN} from 0, before its
 * extension ({@code rec/cam1.mp4} gives {@code rec/cam1-00000.mp4}, {@code rec/cam1-00001.mp4}, ...),
 * so that its segments never share a name. The caller resolves the remaining collisions (two segments
 * in one second, a file left by an earlier run) with a {@code -1}, {@code -2} suffix.
 *
 * <p>Parsed once, up front: a bad pattern fails before the first frame, and building a name (once per
 * segment) does no parsing.
 */
final class SegmentName {
    private static final String CONVERSIONS = "YmdHMS";

    private final Path pattern;
    private final String stem;      // the file name before the extension, conversions unexpanded
    private final String extension; // with its dot, as the user spelled it
    private final boolean timed;

    private SegmentName(Path pattern, String stem, String extension, boolean timed) {
        this.pattern = pattern;
        this.stem = stem;
        this.extension = extension;
        this.timed = timed;
    }

    /** Checks the file name's syntax and extension; throws a one-line {@link InputException} naming the pattern. */
    static SegmentName parse(Path pattern) {
        Path file = pattern.getFileName();
        if (file == null) throw new InputException(pattern + ": segment pattern has no file name");
        String name = file.toString();
        int dot = name.lastIndexOf('.');
        String ext = dot > 0 ? name.substring(dot + 1) : "";
        if (ext.isEmpty() || ext.indexOf('%') >= 0
                || !MediaPaths.VIDEO_OUTPUT_EXTENSIONS.contains(ext.toLowerCase(Locale.ROOT))) {
            throw new InputException(pattern + ": unsupported segment type" + (ext.isEmpty() ? "" : " ." + ext)
                    + " (the pattern must end in " + String.join(", ",
                    MediaPaths.VIDEO_OUTPUT_EXTENSIONS.stream().sorted().map(e -> "." + e).toList()) + ")");
        }
        String stem = name.substring(0, dot);
        boolean timed = false;
        for (int i = 0; i < stem.length(); i++) {
            if (stem.charAt(i) != '%') continue;
            if (i + 1 == stem.length()) {
                throw new InputException(pattern + ": segment pattern ends in a lone % (write %% for a literal %)");
            }
            char c = stem.charAt(++i);
            if (CONVERSIONS.indexOf(c) >= 0) {
                timed = true;
            } else if (c != '%') {
                throw new InputException(pattern + ": unsupported conversion %" + c
                        + " in the segment pattern (use %Y %m %d %H %M %S, or %% for a literal %)");
            }
        }
        return new SegmentName(pattern, stem, name.substring(dot), timed);
    }

    Path pattern() { return pattern; }

    /** True if the name has a time conversion; false if it is numbered. */
    boolean timed() { return timed; }

    /**
     * The path for a segment.
     *
     * @param epochSecond the segment's first capture time, for the time conversions
     * @param zone        the zone whose wall clock the conversions show
     * @param number      the segment's number from 0, for a pattern without time conversions
     * @param suffix      0, or n to append {@code -n} to resolve a collision
     */
    Path name(long epochSecond, ZoneId zone, long number, int suffix) {
        StringBuilder b = new StringBuilder(stem.length() + 24);
        if (timed) {
            LocalDateTime t = LocalDateTime.ofEpochSecond(epochSecond, 0,
                    zone.getRules().getOffset(java.time.Instant.ofEpochSecond(epochSecond)));
            for (int i = 0; i < stem.length(); i++) {
                char c = stem.charAt(i);
                if (c != '%') {
                    b.append(c);
                    continue;
                }
                switch (stem.charAt(++i)) {
                    case 'Y' -> pad(b, t.getYear(), 4);
                    case 'm' -> pad(b, t.getMonthValue(), 2);
                    case 'd' -> pad(b, t.getDayOfMonth(), 2);
                    case 'H' -> pad(b, t.getHour(), 2);
                    case 'M' -> pad(b, t.getMinute(), 2);
                    case 'S' -> pad(b, t.getSecond(), 2);
                    default -> b.append('%'); // %%: parse() admits nothing else
                }
            }
        } else {
            b.append(stem.replace("%%", "%")).append('-');
            pad(b, number, 5);
        }
        if (suffix > 0) b.append('-').append(suffix);
        return pattern.resolveSibling(b.append(extension).toString());
    }

    /**
     * Matches the file names {@link #name} gives (collision suffixes included), and no others: how a recording
     * recognises its own segments in a directory it may share.
     */
    Pattern matcher() {
        StringBuilder regex = new StringBuilder();
        if (timed) {
            StringBuilder literal = new StringBuilder();
            for (int i = 0; i < stem.length(); i++) {
                char c = stem.charAt(i);
                if (c != '%') {
                    literal.append(c);
                    continue;
                }
                char conversion = stem.charAt(++i);
                if (conversion == '%') {
                    literal.append('%');
                    continue;
                }
                if (!literal.isEmpty()) regex.append(Pattern.quote(literal.toString()));
                literal.setLength(0);
                regex.append(conversion == 'Y' ? "-?\\d{4,}" : "\\d{2}");
            }
            if (!literal.isEmpty()) regex.append(Pattern.quote(literal.toString()));
        } else {
            regex.append(Pattern.quote(stem.replace("%%", "%") + "-")).append("\\d{5,}");
        }
        regex.append("(-[1-9]\\d*)?").append(Pattern.quote(extension));
        return Pattern.compile(regex.toString());
    }

    private static void pad(StringBuilder b, long value, int width) {
        if (value < 0) {
            b.append('-');
            value = -value;
        }
        String digits = Long.toString(value);
        for (int i = digits.length(); i < width; i++) b.append('0');
        b.append(digits);
    }
}
