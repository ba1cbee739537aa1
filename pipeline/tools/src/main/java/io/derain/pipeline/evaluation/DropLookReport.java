package io.derain.pipeline.evaluation;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/**
 * The result of {@code derain eval --drop-look}: how the drops of each photo and of all of them pooled look
 * ({@link DropLook}), as a table for people and as JSON for scripts (NaN there is null, "-" in the table).
 *
 * @param directory the directory, as the user named it
 * @param rule      how its drops were found
 */
public record DropLookReport(String directory, DropRegions.Rule rule, List<DropLookScore> images, DropLookScore all) {

    public DropLookReport {
        images = List.copyOf(images);
    }

    /** How the drops were found, in words. */
    public String ruleDescription() {
        return rule == DropRegions.Rule.PAIRS
                ? String.format(Locale.ROOT, "|Y rainy - (a * Y clean + b)| >= %.0f after a least-squares veil fit, 3x3 open and close",
                        DropRegions.DROP_LEVELS)
                : String.format(Locale.ROOT, "reference map >= %.1f", MapAgreement.REFERENCE_THRESHOLD);
    }

    public void printTable(PrintWriter out) {
        int nameWidth = Math.max(6, images.stream().mapToInt(s -> s.name().length()).max().orElse(0));
        String row = "%-" + nameWidth + "s  %6s  %7s  %33s  %8s  %10s  %8s  %8s  %19s  %13s  %12s%n";
        out.printf(Locale.ROOT, "derain eval: drop look of %s (drops: %s; Y levels of 255)%n", directory, ruleDescription());
        out.printf(Locale.ROOT, row, "image", "drops", "per MP", "radius p25 / p50 / p75 / p90 (h)", "coverage",
                "brightness", "contrast", "dark rim", "edge width (h/1000)", "|rainy-clean|", "veil a, b");
        for (DropLookScore s : images) printRow(out, row, s);
        printRow(out, row, all);
        out.println("brightness: mean Y in drops minus the ring around them; contrast: std of Y in drops over the "
                + "ring's; dark rim: share of drop edges 15+ below the ring nearby; edge width: median step/gradient "
                + "at drop edges; |rainy-clean|: mean in drops after the veil fit rainy = a * clean + b");
        out.flush();
    }

    private static void printRow(PrintWriter out, String row, DropLookScore s) {
        double[] r = s.radius();
        String radius = Double.isNaN(r[0]) ? "-"
                : String.format(Locale.ROOT, "%.4f / %.4f / %.4f / %.4f", r[0], r[1], r[2], r[3]);
        String veil = Double.isNaN(s.veilGain()) ? "-"
                : String.format(Locale.ROOT, "%.2f, %+.1f", s.veilGain(), s.veilOffset());
        out.printf(Locale.ROOT, row, s.name(), s.drops(), text("%.0f", s.dropsPerMegapixel()), radius,
                text("%.1f %%", 100 * s.coverage()), text("%+.1f", s.brightness()), text("%.2f", s.contrast()),
                text("%.1f %%", 100 * s.darkRim()), text("%.1f", s.edgeWidth()), text("%.1f", s.cleanDifference()),
                veil);
    }

    private static String text(String format, double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, format, v) : "-";
    }

    public String toJson() {
        StringBuilder json = new StringBuilder(512 + 400 * images.size());
        json.append("{\n  \"directory\": ").append(EvaluationReport.string(directory)).append(",\n");
        json.append("  \"rule\": ").append(EvaluationReport.string(rule == DropRegions.Rule.PAIRS ? "pairs" : "maps"))
                .append(",\n  \"drops\": ").append(EvaluationReport.string(ruleDescription())).append(",\n");
        json.append("  \"units\": ").append(EvaluationReport.string("radius: fraction of the picture height; "
                + "edgeWidth: thousandths of the picture height; brightness, cleanDifference, veilOffset: Y levels of 255; "
                + "coverage, darkRim: 0..1")).append(",\n");
        json.append("  \"all\": ").append(score(all)).append(",\n  \"images\": [");
        for (int i = 0; i < images.size(); i++) json.append(i == 0 ? "\n    " : ",\n    ").append(score(images.get(i)));
        json.append(images.isEmpty() ? "]\n" : "\n  ]\n").append("}\n");
        return json.toString();
    }

    private static String score(DropLookScore s) {
        double[] r = s.radius();
        return "{\"name\": " + EvaluationReport.string(s.name()) + ", \"drops\": " + s.drops()
                + ", \"dropsPerMegapixel\": " + number(s.dropsPerMegapixel(), 2)
                + ", \"radius\": {\"p25\": " + number(r[0], 6) + ", \"p50\": " + number(r[1], 6)
                + ", \"p75\": " + number(r[2], 6) + ", \"p90\": " + number(r[3], 6) + "}"
                + ", \"coverage\": " + number(s.coverage(), 6) + ", \"brightness\": " + number(s.brightness(), 3)
                + ", \"contrast\": " + number(s.contrast(), 4) + ", \"darkRim\": " + number(s.darkRim(), 4)
                + ", \"edgeWidth\": " + number(s.edgeWidth(), 3) + ", \"cleanDifference\": " + number(s.cleanDifference(), 3)
                + ", \"veilGain\": " + number(s.veilGain(), 4) + ", \"veilOffset\": " + number(s.veilOffset(), 3) + "}";
    }

    /** Fixed decimals; NaN and infinities (not JSON) become null. */
    private static String number(double v, int decimals) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%." + decimals + "f", v) : "null";
    }
}
