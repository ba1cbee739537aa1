package io.derain.pipeline.cli;

import io.derain.models.DerainException;
import picocli.CommandLine;

/**
 * Turns exceptions into one line on stderr and an exit code by their {@link DerainException.Kind}: 2 when the
 * user's input is at fault (bad input: files, URLs, weights, settings; a frame a job could not take and was not told
 * to skip), 143 for a job stopped before it started (as a SIGTERM'd process), 1 for fatal failures and anything not
 * a {@link DerainException} (an {@link IllegalArgumentException} is a bug, not the user's doing). Stack traces only
 * with DERAIN_DEBUG=1.
 */
final class ErrorReporter implements CommandLine.IExecutionExceptionHandler {
    static final int BAD_INPUT = 2;
    static final int FAILURE = 1;
    static final int STOPPED = 143;

    @Override
    public int handleExecutionException(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
        return report(e, cli);
    }

    /** Prints {@code e} as one line on the command's error writer; its exit code. */
    static int report(Exception e, CommandLine cli) {
        if ("1".equals(System.getenv("DERAIN_DEBUG"))) {
            e.printStackTrace(cli.getErr());
        }
        int status = exitCode(e);
        cli.getErr().println("derain: " + (status == FAILURE ? "failed: " : status == STOPPED ? "stopped: " : "") + oneLine(e));
        cli.getErr().flush();
        return status;
    }

    static int exitCode(Throwable e) {
        if (!(e instanceof DerainException d)) return FAILURE;
        return switch (d.kind()) {
            case BAD_INPUT, REJECTED_FRAME -> BAD_INPUT;
            case STOPPED -> STOPPED;
            case FATAL -> FAILURE;
        };
    }

    static String oneLine(Throwable e) {
        String m = e.getMessage();
        if (m == null || m.isBlank()) m = e.getClass().getSimpleName();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
