package io.ernieneo4j.trainer;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The trainer's layers: every import points down. Foundations (data, run, engine) under the model (ernie, its io and
 * nn), under the one inference API (infer), under the training machinery (training), under the two kinds of run
 * (finetune, pretrain), under the command line; TransE, alignment and WordNet beside the model; dataset building
 * over the inference API's labels and TransE's entity keys; model-based linking (sentence and description vectors,
 * the fitted sense scorer) over the model and alignment, used only by the command line.
 */
class ArchitectureTest {

    private static JavaClasses trainer;

    @BeforeAll
    static void importTrainer() {
        trainer = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.ernieneo4j.trainer");
    }

    @Test
    void importsOnlyPointDown() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("cli").definedBy("..trainer.cli..")
                .layer("finetune").definedBy("..trainer.finetune..")
                .layer("pretrain").definedBy("..trainer.pretrain..")
                .layer("training").definedBy("..trainer.training..")
                .layer("infer").definedBy("..trainer.infer..")
                .layer("dataset").definedBy("..trainer.dataset..")
                .layer("model").definedBy("..trainer.ernie..")
                .layer("transe").definedBy("..trainer.transe..")
                .layer("linking").definedBy("..trainer.linking..")
                .layer("completion").definedBy("..trainer.completion..")
                .layer("calibration").definedBy("..trainer.calibration..")
                .layer("align").definedBy("..trainer.align..")
                .layer("wordnet").definedBy("..trainer.wordnet..")
                .layer("foundations").definedBy("..trainer.data..", "..trainer.run..", "..trainer.engine..")
                .whereLayer("cli").mayNotBeAccessedByAnyLayer()
                .whereLayer("finetune").mayOnlyBeAccessedByLayers("cli")
                .whereLayer("pretrain").mayOnlyBeAccessedByLayers("cli")
                .whereLayer("training").mayOnlyBeAccessedByLayers("finetune", "pretrain", "linking", "cli")
                .whereLayer("dataset").mayOnlyBeAccessedByLayers("cli")
                .whereLayer("infer").mayOnlyBeAccessedByLayers("dataset", "training", "finetune", "pretrain", "calibration",
                        "cli")
                .whereLayer("model").mayOnlyBeAccessedByLayers("infer", "training", "finetune", "pretrain", "linking",
                        "cli")
                .whereLayer("linking").mayOnlyBeAccessedByLayers("cli")
                .whereLayer("linking").mayOnlyAccessLayers("model", "align", "training", "foundations")
                .whereLayer("completion").mayNotBeAccessedByAnyLayer()
                .whereLayer("completion").mayOnlyAccessLayers("align", "foundations")
                .whereLayer("calibration").mayNotBeAccessedByAnyLayer()
                .whereLayer("align").mayOnlyBeAccessedByLayers("linking", "completion", "calibration", "cli")
                .whereLayer("wordnet").mayOnlyBeAccessedByLayers("align", "cli")
                .whereLayer("transe").mayOnlyBeAccessedByLayers("dataset", "cli")
                .check(trainer);
    }

    /** Sub-packages too: the model's configuration under its layers and weight readers, under the model. */
    @Test
    void packagesFormNoCycle() {
        slices().matching("io.ernieneo4j.trainer.(**)").should().beFreeOfCycles().check(trainer);
    }
}
