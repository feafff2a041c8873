package cloud.acedata.dreamina.bridge.bench;

import java.io.PrintStream;
import java.util.List;

/** Prints results as Markdown tables: one row per figure, its target next to it. */
final class ReportTable {

    private final PrintStream out;

    ReportTable(PrintStream out) {
        this.out = out;
    }

    /** The rows of one result, under a heading. */
    void print(WorkloadResult result, String description) {
        out.println();
        out.println("### " + result.workload() + " (" + result.label() + ")" + (description == null ? ""
                : ": " + description));
        out.println("| figure | value | target | met |");
        out.println("|---|---|---|---|");
        for (WorkloadResult.Row row : result.rows()) {
            out.println("| " + cell(row.figure()) + " | " + cell(row.value()) + " | " + text(row.target()) + " | "
                    + met(row.met()) + " |");
        }
        result.notes().forEach(note -> out.println("note: " + note));
        out.flush();
    }

    /** Every result's rows in one table. */
    void summary(List<WorkloadResult> results) {
        out.println();
        out.println("| workload | subject | figure | value | target | met |");
        out.println("|---|---|---|---|---|---|");
        for (WorkloadResult result : results) {
            for (WorkloadResult.Row row : result.rows()) {
                out.println("| " + result.workload() + " | " + result.label() + " | " + cell(row.figure()) + " | "
                        + cell(row.value()) + " | " + text(row.target()) + " | " + met(row.met()) + " |");
            }
        }
        out.flush();
    }

    /** A table cell: a '|' inside (Kafka's thread names have one) would end it. */
    static String cell(String value) {
        return value.replace("|", "\\|");
    }

    private static String text(String value) {
        return value == null ? "" : value;
    }

    static String met(Boolean met) {
        return met == null ? "" : met ? "yes" : "NO";
    }
}
