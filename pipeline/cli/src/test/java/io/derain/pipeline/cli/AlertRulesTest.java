package io.derain.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.derain.pipeline.source.TestMedia;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The shipped Prometheus files: the config and rules check, and the rules' unit tests pass (a camera-down alert fires). */
class AlertRulesTest {
    private static final Path DIR = TestMedia.repoRoot().resolve("deploy/prometheus");

    @Test
    void rulesCheckAndTheirUnitTestsPass() throws Exception {
        assumeTrue(Promtool.available(), "promtool is not installed");
        Promtool.Result rules = Promtool.run(null, "check", "rules", DIR.resolve("alerts.yml").toString());
        assertEquals(0, rules.exitCode(), rules.output());
        assertTrue(rules.output().contains("SUCCESS: 6 rules found"), rules.output());
        Promtool.Result config = Promtool.run(null, "check", "config", DIR.resolve("prometheus.yml").toString());
        assertEquals(0, config.exitCode(), config.output());
        Promtool.Result tests = Promtool.run(null, "test", "rules", DIR.resolve("alerts.test.yml").toString());
        assertEquals(0, tests.exitCode(), tests.output());
        assertTrue(tests.output().contains("SUCCESS"), tests.output());
    }
}
