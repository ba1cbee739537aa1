package io.derain.pipeline.cli;

import io.derain.pipeline.media.FfmpegLog;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code derain} command line: {@code derain run|synth|train|eval|bench ...}. */
@Command(name = "derain",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        description = "Removes raindrops from video and images with the attentive generator (Qian et al., CVPR 2018).",
        subcommands = {RunCommand.class, SynthCommand.class, EvalCommand.class, CalibrateCommand.class, TrainCommand.class,
                BrokerCommand.class, WorkerCommand.class, AuditCommand.class, ServeCommand.class,
                BenchCommand.class, ModelBenchCommand.class, DeviceCheckCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "Exit codes: 0 ok, 2 bad usage or bad input, 1 failure while running, 143 (SIGTERM) or 130 "
                + "(Ctrl-C) stopped early with the output kept up to the last frame written."})
public final class DerainCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command: run, or see --help");
    }

    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new DerainCli());
        cli.setExecutionExceptionHandler(new ErrorReporter());
        return cli;
    }

    public static void main(String[] args) {
        // FFmpeg's own chatter (stream dumps, a live camera's refused reconnects, concealed decode errors)
        // would bury our one-line messages: it is counted as evidence of damage, printed only with DERAIN_DEBUG=1.
        FfmpegLog.install();
        System.exit(commandLine().execute(args));
    }
}
