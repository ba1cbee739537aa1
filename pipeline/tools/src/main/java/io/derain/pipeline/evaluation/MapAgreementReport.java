package io.derain.pipeline.evaluation;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/**
 * The result of {@code derain eval --maps}: per photo and on average, the IoU of the model's drop region
 * with the reference map's and the share of the photo each calls drop.
 *
 * @param maps          the reference-maps directory, as the user named it
 * @param subject       the model's description
 * @param dropThreshold the model's attention level that counts as drop
 */
public record MapAgreementReport(String maps, String subject, double dropThreshold, List<MapScore> images) {

    public MapAgreementReport {
        images = List.copyOf(images);
    }

    public MapScore mean() {
        double iou = 0, ours = 0, theirs = 0;
        for (MapScore s : images) {
            iou += s.iou();
            ours += s.coverage();
            theirs += s.reference();
        }
        int n = Math.max(1, images.size());
        return new MapScore("mean", iou / n, ours / n, theirs / n);
    }

    public void printTable(PrintWriter out) {
        int nameWidth = Math.max(8, images.stream().mapToInt(s -> s.name().length()).max().orElse(0));
        String row = "%-" + nameWidth + "s  %8s  %13s  %17s%n";
        out.printf(Locale.ROOT, "derain eval: %s on the reference maps of %s (model's map >= %.2f, reference's >= %.2f)%n",
                subject, maps, dropThreshold, MapAgreement.REFERENCE_THRESHOLD);
        out.printf(Locale.ROOT, row, "image", "map IoU", "drops (ours)", "drops (reference)");
        for (MapScore s : images) printRow(out, row, s);
        printRow(out, row, mean());
        out.flush();
    }

    private static void printRow(PrintWriter out, String row, MapScore s) {
        out.printf(Locale.ROOT, row, s.name(), String.format(Locale.ROOT, "%.3f", s.iou()),
                String.format(Locale.ROOT, "%.1f %%", 100 * s.coverage()),
                String.format(Locale.ROOT, "%.1f %%", 100 * s.reference()));
    }

    public String toJson() {
        StringBuilder json = new StringBuilder(256 + 120 * images.size());
        json.append("{\n  \"maps\": ").append(EvaluationReport.string(maps)).append(",\n");
        json.append("  \"subject\": ").append(EvaluationReport.string(subject)).append(",\n");
        json.append(String.format(Locale.ROOT, "  \"dropThreshold\": %.4f,%n  \"referenceThreshold\": %.4f,%n",
                dropThreshold, MapAgreement.REFERENCE_THRESHOLD));
        json.append("  \"mean\": ").append(score(mean())).append(",\n  \"images\": [");
        for (int i = 0; i < images.size(); i++) json.append(i == 0 ? "\n    " : ",\n    ").append(score(images.get(i)));
        json.append(images.isEmpty() ? "]\n" : "\n  ]\n").append("}\n");
        return json.toString();
    }

    private static String score(MapScore s) {
        return String.format(Locale.ROOT, "{\"name\": %s, \"iou\": %.6f, \"coverage\": %.6f, \"referenceCoverage\": %.6f}",
                EvaluationReport.string(s.name()), s.iou(), s.coverage(), s.reference());
    }
}
