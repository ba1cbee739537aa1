package io.derain.pipeline.source;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.Set;

/**
 * Walks the top-level boxes of an ISO base media file (mp4, mov, m4v, 3gp) to tell a cut-off file from
 * one that is not a video. FFmpeg only says "moov atom not found" / "Invalid data" for a half-copied mp4
 * (or, when the index comes first, silently stops decoding early); the box sizes say exactly what's missing.
 */
final class IsoBoxes {
    /** Box types that may open a QuickTime file written before 'ftyp' existed. */
    private static final Set<String> LEADING_TYPES = Set.of("ftyp", "moov", "mdat", "free", "skip", "wide", "pnot");
    private static final int MAX_BOXES = 100_000;

    private IsoBoxes() {}

    /** A description of what's missing when {@code path} is an ISO media file cut short; empty otherwise. */
    static Optional<String> truncation(Path path) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long length = ch.size();
            ByteBuffer header = ByteBuffer.allocate(16);
            long pos = 0;
            boolean index = false;
            for (int n = 0; n < MAX_BOXES && pos + 8 <= length; n++) {
                header.clear().limit(16);
                ch.read(header, pos);
                header.flip();
                if (header.remaining() < 8) return Optional.empty();
                long size = Integer.toUnsignedLong(header.getInt(0));
                String type = fourCc(header, 4);
                if (n == 0 && !LEADING_TYPES.contains(type)) return Optional.empty(); // not ISO media
                if (!printable(type)) return Optional.empty(); // corrupt, not cut: let FFmpeg judge it
                if (size == 1) {
                    if (header.remaining() < 16) break;
                    size = header.getLong(8);
                } else if (size == 0) {
                    size = length - pos; // box runs to the end of the file by definition
                }
                if (size < 8) return Optional.empty();
                if (type.equals("moov") || type.equals("moof")) index = true;
                if (pos + size > length) {
                    return Optional.of("truncated: its '" + type + "' box needs " + (pos + size)
                            + " bytes but the file ends after " + length);
                }
                pos += size;
            }
            if (pos < length && pos + 8 > length) {
                return Optional.of("truncated: the file ends " + (length - pos) + " bytes into a box header");
            }
            if (!index) {
                return Optional.of("truncated or unfinished: it has no 'moov' index (was the recording stopped early?)");
            }
            return Optional.empty();
        }
    }

    private static String fourCc(ByteBuffer b, int at) {
        byte[] t = new byte[4];
        b.get(at, t);
        return new String(t, StandardCharsets.ISO_8859_1);
    }

    private static boolean printable(String type) {
        for (int i = 0; i < type.length(); i++) {
            char c = type.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                if (c != 0xa9) return false; // QuickTime metadata boxes start with '©'
            }
        }
        return true;
    }
}
