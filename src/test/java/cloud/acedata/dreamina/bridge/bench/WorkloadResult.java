package cloud.acedata.dreamina.bridge.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What one workload measured on one subject: named figures, the table rows (with targets), settings and notes. */
final class WorkloadResult {

    /** A target: the figure must be at least, or at most, the bound. */
    record Target(boolean atLeast, double bound, String text) {
        static Target atLeast(double bound) {
            return new Target(true, bound, "≥ " + format(bound));
        }

        static Target atMost(double bound) {
            return new Target(false, bound, "≤ " + format(bound));
        }

        boolean metBy(double value) {
            return !Double.isNaN(value) && (atLeast ? value >= bound : value <= bound);
        }
    }

    /** One table row: a figure, its value, and its target with whether it was met (both null without a target). */
    record Row(String figure, String value, String target, Boolean met) {
    }

    private final String workload;
    private final String subject;
    private final Map<String, Object> figures = new LinkedHashMap<>();
    private final List<Row> rows = new ArrayList<>();
    private final Map<String, Object> settings = new LinkedHashMap<>();
    private final List<String> notes = new ArrayList<>();
    private String variant;

    WorkloadResult(String workload, String subject) {
        this.workload = workload;
        this.subject = subject;
    }

    String workload() {
        return workload;
    }

    String subject() {
        return subject;
    }

    /** The subject's variant in this run (the bridge's delivery guarantee when the run names one), or null. */
    String variant() {
        return variant;
    }

    WorkloadResult variant(String variant) {
        this.variant = variant;
        return this;
    }

    /** The subject, with its variant when it has one: "bridge exactly-once". */
    String label() {
        return variant == null ? subject : subject + " " + variant;
    }

    /** Records a figure under a stable key (for the JSON and for ratios between subjects). */
    WorkloadResult figure(String key, Object value) {
        figures.put(key, value instanceof Double d ? Stats.round(d, 3) : value);
        return this;
    }

    /** A table row without a target. */
    WorkloadResult row(String figure, String value) {
        rows.add(new Row(figure, value, null, null));
        return this;
    }

    /** A table row with its target, and whether {@code value} meets it; the targets are the bridge's only. */
    WorkloadResult row(String figure, double value, String unit, Target target) {
        if (subject.equals("baseline")) {
            return row(figure, format(value) + unit);
        }
        rows.add(new Row(figure, format(value) + unit, target.text() + unit, target.metBy(value)));
        return this;
    }

    WorkloadResult setting(String key, Object value) {
        settings.put(key, value);
        return this;
    }

    WorkloadResult note(String note) {
        notes.add(note);
        return this;
    }

    Map<String, Object> figures() {
        return figures;
    }

    /** A figure as a number; NaN when absent or not a number. */
    double number(String key) {
        return figures.get(key) instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    List<Row> rows() {
        return rows;
    }

    Map<String, Object> settings() {
        return settings;
    }

    List<String> notes() {
        return notes;
    }

    /** Thousands separated, at most two decimals (three below 1); "n/a" for NaN. */
    static String format(double value) {
        if (Double.isNaN(value)) {
            return "n/a";
        }
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return String.format(Locale.ROOT, "%,d", (long) value);
        }
        return String.format(Locale.ROOT, Math.abs(value) < 1 ? "%,.3f" : "%,.2f", value);
    }
}
