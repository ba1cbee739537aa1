package io.derain.pipeline.evaluation;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/**
 * The result of {@code derain eval}: scores per pair and their means, as a table for people and as JSON
 * for scripts. Means of the IoU are over the pairs that have one.
 *
 * @param pairs         the pairs directory, as the user named it
 * @param subject       what was evaluated: the model's description, or the outputs directory
 * @param maskThreshold the attention threshold of the IoU
 */
public record EvaluationReport(String pairs, String subject, double maskThreshold, List<ImageScore> images) {

    public EvaluationReport {
        images = List.copyOf(images);
    }

    /** Means over all pairs (IoU: over those with one; NaN if none has). */
    public ImageScore mean() {
        int n = images.size();
        double rp = 0, rs = 0, dp = 0, ds = 0, iou = 0;
        int withIoU = 0;
        for (ImageScore s : images) {
            rp += s.rainy().psnr();
            rs += s.rainy().ssim();
            dp += s.derained().psnr();
            ds += s.derained().ssim();
            if (s.hasMaskIoU()) {
                iou += s.maskIoU();
                withIoU++;
            }
        }
        return new ImageScore("mean", new Quality(rp / n, rs / n), new Quality(dp / n, ds / n),
                withIoU == 0 ? Double.NaN : iou / withIoU);
    }

    public void printTable(PrintWriter out) {
        int nameWidth = Math.max(8, images.stream().mapToInt(s -> s.name().length()).max().orElse(0));
        String row = "%-" + nameWidth + "s  %10s  %10s  %13s  %13s  %8s  %8s%n";
        out.printf(Locale.ROOT, "derain eval: %s on %s (PSNR dB and SSIM on BT.601 luminance; IoU at attention >= %s)%n",
                subject, pairs, number(maskThreshold, 2));
        out.printf(Locale.ROOT, row, "image", "rainy PSNR", "rainy SSIM", "derained PSNR", "derained SSIM",
                "gain dB", "mask IoU");
        for (ImageScore s : images) printRow(out, row, s);
        printRow(out, row, mean());
        out.flush();
    }

    private static void printRow(PrintWriter out, String row, ImageScore s) {
        out.printf(Locale.ROOT, row, s.name(), number(s.rainy().psnr(), 2), number(s.rainy().ssim(), 4),
                number(s.derained().psnr(), 2), number(s.derained().ssim(), 4),
                String.format(Locale.ROOT, "%+.2f", s.gainDb()), s.hasMaskIoU() ? number(s.maskIoU(), 3) : "-");
    }

    /**
     * One row per report of the same pairs (a model, other methods' outputs): mean input and output quality
     * and gain, so methods read side by side.
     */
    public static void printSummary(PrintWriter out, List<String> names, List<EvaluationReport> reports) {
        int nameWidth = Math.max(8, names.stream().mapToInt(String::length).max().orElse(0));
        String row = "%-" + nameWidth + "s  %10s  %10s  %11s  %11s  %8s%n";
        out.printf(Locale.ROOT, "derain eval: side by side on %s (means over %d pairs)%n", reports.get(0).pairs(),
                reports.get(0).images().size());
        out.printf(Locale.ROOT, row, "output", "rainy PSNR", "rainy SSIM", "output PSNR", "output SSIM", "gain dB");
        for (int i = 0; i < reports.size(); i++) {
            ImageScore m = reports.get(i).mean();
            out.printf(Locale.ROOT, row, names.get(i), number(m.rainy().psnr(), 2), number(m.rainy().ssim(), 4),
                    number(m.derained().psnr(), 2), number(m.derained().ssim(), 4),
                    String.format(Locale.ROOT, "%+.2f", m.gainDb()));
        }
        out.flush();
    }

    /** Several reports of the same pairs as one JSON object: {"reports": {"NAME": report, ...}}. */
    public static String toJson(List<String> names, List<EvaluationReport> reports) {
        StringBuilder json = new StringBuilder("{\n  \"reports\": {");
        for (int i = 0; i < reports.size(); i++) {
            json.append(i == 0 ? "\n    " : ",\n    ").append(string(names.get(i))).append(": ")
                    .append(reports.get(i).toJson().strip().replace("\n", "\n    "));
        }
        return json.append("\n  }\n}\n").toString();
    }

    /** The report as a JSON object; NaN (no IoU) becomes null. */
    public String toJson() {
        StringBuilder json = new StringBuilder(256 + 200 * images.size());
        json.append("{\n");
        json.append("  \"pairs\": ").append(string(pairs)).append(",\n");
        json.append("  \"subject\": ").append(string(subject)).append(",\n");
        json.append("  \"metric\": ").append(string("PSNR (dB, peak 255, capped at " + number(Psnr.MAX_DB, 0)
                + ") and SSIM (Gaussian 11x11, sigma 1.5, K1 0.01, K2 0.03) on BT.601 Y, 0..255")).append(",\n");
        json.append("  \"maskThreshold\": ").append(number(maskThreshold, 4)).append(",\n");
        json.append("  \"mean\": ");
        appendScore(json, mean(), "  ");
        json.append(",\n  \"images\": [");
        for (int i = 0; i < images.size(); i++) {
            json.append(i == 0 ? "\n    " : ",\n    ");
            appendScore(json, images.get(i), "    ");
        }
        json.append(images.isEmpty() ? "]\n" : "\n  ]\n").append("}\n");
        return json.toString();
    }

    private static void appendScore(StringBuilder json, ImageScore s, String indent) {
        String in = indent + "  ";
        json.append("{\n")
                .append(in).append("\"name\": ").append(string(s.name())).append(",\n")
                .append(in).append("\"rainy\": ").append(quality(s.rainy())).append(",\n")
                .append(in).append("\"derained\": ").append(quality(s.derained())).append(",\n")
                .append(in).append("\"gainDb\": ").append(number(s.gainDb(), 4)).append(",\n")
                .append(in).append("\"maskIoU\": ").append(s.hasMaskIoU() ? number(s.maskIoU(), 6) : "null").append('\n')
                .append(indent).append('}');
    }

    private static String quality(Quality q) {
        return "{\"psnr\": " + number(q.psnr(), 4) + ", \"ssim\": " + number(q.ssim(), 6) + "}";
    }

    /** Fixed decimals, never NaN or infinite (not JSON). */
    private static String number(double v, int decimals) {
        if (!Double.isFinite(v)) return "null";
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    /** A JSON string literal: quotes, backslashes and control characters escaped. */
    public static String string(String s) {
        if (s == null) return "null";
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
                    else b.append(c);
                }
            }
        }
        return b.append('"').toString();
    }
}
