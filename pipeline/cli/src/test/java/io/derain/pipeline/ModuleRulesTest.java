package io.derain.pipeline;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module rules of docs/architecture.md ("Modules"), checked on the compiled classes of every module (this
 * module's test classpath holds them all). Maven already refuses cycles between modules and the library modules'
 * banned dependencies (maven-enforcer); this catches code that reaches upward through a package of a module it
 * does not depend on, or through a class a future module merge would hide.
 */
class ModuleRulesTest {
    private static final String[] RUNTIME = {"io.derain.pipeline", "io.derain.pipeline.media..", "io.derain.pipeline.source..",
            "io.derain.pipeline.sink..", "io.derain.pipeline.runtime..", "io.derain.pipeline.live..", "io.derain.pipeline.job.."};
    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.derain");
    }

    @Test
    void modulesDependOnlyDownward() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("models").definedBy("io.derain.models..")
                .layer("operators").definedBy("io.derain.operators..")
                .layer("runtime").definedBy(RUNTIME)
                .layer("kafka").definedBy("io.derain.pipeline.kafka..")
                .layer("broker").definedBy("io.derain.pipeline.broker..")
                .layer("metrics").definedBy("io.derain.pipeline.metrics..")
                .layer("tools").definedBy("io.derain.pipeline.evaluation..", "io.derain.pipeline.benchmark..",
                        "io.derain.pipeline.synthesis..", "io.derain.pipeline.training..")
                .layer("serve").definedBy("io.derain.pipeline.serve..")
                .layer("cli").definedBy("io.derain.pipeline.cli..")
                .whereLayer("cli").mayNotBeAccessedByAnyLayer()
                .whereLayer("tools").mayOnlyBeAccessedByLayers("cli")
                .whereLayer("serve").mayOnlyBeAccessedByLayers("cli")
                .whereLayer("metrics").mayOnlyBeAccessedByLayers("tools", "cli")
                .whereLayer("broker").mayOnlyBeAccessedByLayers("tools", "cli")
                .whereLayer("kafka").mayOnlyBeAccessedByLayers("broker", "metrics", "tools", "cli")
                .whereLayer("runtime").mayOnlyBeAccessedByLayers("kafka", "broker", "metrics", "tools", "serve", "cli")
                .whereLayer("operators").mayOnlyBeAccessedByLayers("runtime", "kafka", "broker", "metrics", "tools", "serve", "cli")
                .check(classes);
    }

    @Test
    void theRuntimeNamesNoCliKafkaMetricsOrJson() {
        noClasses().that().resideInAnyPackage(RUNTIME).should().dependOnClassesThat()
                .resideInAnyPackage("picocli..", "org.apache.kafka..", "kafka..", "scala..", "io.micrometer..",
                        "com.fasterxml..", "org.slf4j..", "me.tongfei..")
                .check(classes);
    }

    @Test
    void theArtifactsFormNoCycle() {
        slices().matching("io.derain.(*)..").should().beFreeOfCycles().check(classes);
    }
}
