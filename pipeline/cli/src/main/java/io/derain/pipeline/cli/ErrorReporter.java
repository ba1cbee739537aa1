package io.derain.pipeline.cli;

import io.derain.models.SettingsException;
import io.derain.models.restore.ModelLoadException;
import io.derain.models.weights.WeightsException;
import io.derain.pipeline.InputException;
import picocli.CommandLine;

/**
 * Turns exceptions into one line on stderr and an exit code: 2 when the user's input is at fault (files,
 * weights, settings: {@link InputException}, {@link SettingsException} and the model loaders' own), 1 for
 * failures while running, a plain {@link IllegalArgumentException} included (a bug, not the user's doing).
 * Stack traces only with DERAIN_DEBUG=1.
 */
final class ErrorReporter implements CommandLine.IExecutionExceptionHandler {
    static final int BAD_INPUT = 2;
    static final int FAILURE = 1;

    @Override
    public int handleExecutionException(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
        return report(e, cli);
    }

    /** Prints {@code e} as one line on the command's error writer; its exit code. */
    static int report(Exception e, CommandLine cli) {
        if ("1".equals(System.getenv("DERAIN_DEBUG"))) {
            e.printStackTrace(cli.getErr());
        }
        boolean badInput = isBadInput(e);
        cli.getErr().println("derain: " + (badInput ? "" : "failed: ") + oneLine(e));
        cli.getErr().flush();
        return badInput ? BAD_INPUT : FAILURE;
    }

    static boolean isBadInput(Throwable e) {
        return e instanceof InputException || e instanceof ModelLoadException
                || e instanceof SettingsException
                || e instanceof WeightsException;
    }

    static String oneLine(Throwable e) {
        String m = e.getMessage();
        if (m == null || m.isBlank()) m = e.getClass().getSimpleName();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
