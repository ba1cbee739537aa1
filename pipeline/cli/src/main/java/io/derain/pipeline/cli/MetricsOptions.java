package io.derain.pipeline.cli;

import io.derain.pipeline.InputException;
import io.derain.pipeline.metrics.MetricsServer;
import java.io.IOException;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** {@code --metrics-port} and {@code --metrics-host}, shared by the commands that serve Prometheus metrics. */
final class MetricsOptions {
    @Option(names = "--metrics-port", paramLabel = "PORT",
            description = "Serve Prometheus metrics at http://HOST:PORT/metrics while the job runs, /healthz, and for run the "
                    + "live view at / (the page serve shows, with this run's camera).")
    Integer port;

    @Option(names = "--metrics-host", paramLabel = "HOST", defaultValue = "127.0.0.1",
            description = "Address the metrics server listens on (default: ${DEFAULT-VALUE}; 0.0.0.0 in a container).")
    String host;

    /** Throws picocli's usage error for a port out of range. */
    void validate(CommandLine cli) {
        if (port != null && (port < 0 || port > 65535)) {
            throw new CommandLine.ParameterException(cli, "--metrics-port: expected 0 to 65535, got " + port);
        }
    }

    /** The server, every series labelled {@code key="value"}; null without {@code --metrics-port}. A busy port is bad input. */
    MetricsServer start(String key, String value) {
        if (port == null) return null;
        try {
            return MetricsServer.start(host, port, key, value);
        } catch (IOException e) {
            throw new InputException("--metrics-port " + port + ": cannot listen on " + host + ": " + e.getMessage(), e);
        }
    }
}
