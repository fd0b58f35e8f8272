package io.ernieneo4j.plugin;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The plugin runs models through the trainer's inference API; only the training procedures ({@code plugin.train})
 * reach the trainer's fine-tuning and pretraining code, and nothing reaches its command line.
 */
class ArchitectureTest {

    @Test
    void theOnlyWayIntoTheModelIsTheInferenceApi() {
        JavaClasses plugin = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.ernieneo4j.plugin");
        noClasses().that().resideInAPackage("io.ernieneo4j.plugin..")
                .and().resideOutsideOfPackage("io.ernieneo4j.plugin.train..")
                .should().dependOnClassesThat().resideInAnyPackage("io.ernieneo4j.trainer.finetune..",
                        "io.ernieneo4j.trainer.training..", "io.ernieneo4j.trainer.pretrain..",
                        "io.ernieneo4j.trainer.cli..")
                .check(plugin);
        noClasses().that().resideInAPackage("io.ernieneo4j.plugin.train..")
                .should().dependOnClassesThat().resideInAnyPackage("io.ernieneo4j.trainer.cli..")
                .check(plugin);
    }
}
