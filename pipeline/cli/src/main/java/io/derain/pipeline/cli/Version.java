package io.derain.pipeline.cli;

import picocli.CommandLine;

/** Reports the build's version from the jar manifest. */
final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = DerainCli.class.getPackage().getImplementationVersion();
        return new String[] {"derain " + (v != null ? v : "(development build)")};
    }

    /** The version alone, for {@code derain_build_info}: "dev" outside a packaged jar. */
    static String number() {
        String v = DerainCli.class.getPackage().getImplementationVersion();
        return v != null ? v : "dev";
    }
}
