package io.ernieneo4j.tests.settings;

import io.ernieneo4j.plugin.common.PluginFolders;
import io.ernieneo4j.plugin.common.PluginRuntime;
import io.ernieneo4j.plugin.common.PluginSetting;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The plugin's settings as system properties: one naming scheme, its environment twins, the names of earlier
 * releases as deprecated aliases that warn once, and the defaults and checks of the typed settings.
 */
class PluginSettingTest {

    private final List<String> warnings = new ArrayList<>();
    private final org.neo4j.logging.Log log = RecordingLog.keepingWarnings(warnings);

    @AfterEach
    void clearProperties() {
        for (PluginSetting setting : PluginSetting.values()) {
            System.clearProperty(setting.key());
            setting.deprecatedProperty().ifPresent(System::clearProperty);
        }
    }

    @Test
    void everySettingHasOneSchemeOfNames() {
        assertThat(PluginSetting.values()).extracting(PluginSetting::key).containsExactly(
                "ernie.dir.models", "ernie.dir.transe", "ernie.dir.openke", "ernie.dir.datasets", "ernie.dir.djl",
                "ernie.inference.threads", "ernie.inference.slots", "ernie.files.write.enabled");
        assertThat(PluginSetting.DIR_MODELS.env()).isEqualTo("ERNIE_DIR_MODELS");
        assertThat(PluginSetting.FILES_WRITE_ENABLED.env()).isEqualTo("ERNIE_FILES_WRITE_ENABLED");
        assertThat(PluginSetting.DIR_TRANSE.deprecatedProperty()).contains("ernie.modelDir");
        assertThat(PluginSetting.DIR_TRANSE.deprecatedEnv()).contains("ERNIE_MODEL_DIR");
        assertThat(PluginSetting.INFERENCE_SLOTS.deprecatedProperty()).isEmpty();
        // every folder of the plugin is moved by one of them
        assertThat(PluginFolders.Folder.values()).extracting(PluginFolders.Folder::setting).containsExactly(
                PluginSetting.DIR_MODELS, PluginSetting.DIR_TRANSE, PluginSetting.DIR_OPENKE,
                PluginSetting.DIR_DATASETS, PluginSetting.DIR_DJL);
    }

    @Test
    void theNewNameIsReadWithoutAWarning() {
        System.setProperty("ernie.dir.models", " /srv/models ");
        assertThat(PluginSetting.DIR_MODELS.value(log)).contains("/srv/models");
        assertThat(warnings).isEmpty();
    }

    @Test
    void aDeprecatedNameStillWorksAndWarnsOnce() {
        System.setProperty("ernie.openke.dir", "/srv/openke");
        assertThat(PluginSetting.DIR_OPENKE.value(log)).contains("/srv/openke");
        assertThat(PluginSetting.DIR_OPENKE.value(log)).contains("/srv/openke");
        assertThat(warnings).containsExactly("ernie: `ernie.openke.dir` is deprecated; set `ernie.dir.openke` (or "
                + "ERNIE_DIR_OPENKE) instead. Using its value `/srv/openke`.");
    }

    @Test
    void theNewNameWinsOverADeprecatedOneWhichIsReportedAsIgnored() {
        System.setProperty("ernie.datasets.dir", "/srv/old");
        System.setProperty("ernie.dir.datasets", "/srv/new");
        assertThat(PluginSetting.DIR_DATASETS.value(log)).contains("/srv/new");
        assertThat(warnings).containsExactly("ernie: `ernie.datasets.dir` is deprecated and ignored because "
                + "`ernie.dir.datasets` is set; remove `ernie.datasets.dir`.");
    }

    @Test
    void inferenceThreadsDefaultToHalfTheCoresAndCanBeSet() {
        int cores = Runtime.getRuntime().availableProcessors();
        assertThat(PluginRuntime.inferenceThreads(log)).isEqualTo(Math.max(1, cores / 2));
        System.setProperty("ernie.inference.threads", "3");
        assertThat(PluginRuntime.inferenceThreads(log)).isEqualTo(3);
        System.clearProperty("ernie.inference.threads");
        System.setProperty("ernie.djl.threads", "5");
        assertThat(PluginRuntime.inferenceThreads(log)).isEqualTo(5);
        assertThat(warnings).singleElement().asString().contains("`ernie.djl.threads` is deprecated");
        for (String bad : List.of("0", "-2", "four", "1.5")) {
            System.setProperty("ernie.inference.threads", bad);
            assertThatThrownBy(() -> PluginRuntime.inferenceThreads(log))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("Value for `ernie.inference.threads` was `" + bad + "`, but must be a whole number "
                            + ">= 1.");
        }
    }

    @Test
    void oneBatchAtATimePerModelUnlessSet() {
        assertThat(PluginRuntime.inferenceSlots()).isEqualTo(1);
        System.setProperty("ernie.inference.slots", "4");
        assertThat(PluginRuntime.inferenceSlots()).isEqualTo(4);
    }

    @Test
    void fileWritesAreOnUnlessTurnedOff() {
        assertThat(PluginFolders.fileWritesEnabled()).isTrue();
        PluginFolders.requireFileWrites("ernie.transe.model.drop");
        System.setProperty("ernie.files.write.enabled", "FALSE");
        assertThat(PluginFolders.fileWritesEnabled()).isFalse();
        assertThatThrownBy(() -> PluginFolders.requireFileWrites("ernie.transe.model.drop"))
                .hasMessage("`ernie.transe.model.drop` writes or deletes files on the server, which this server "
                        + "turns off: `ernie.files.write.enabled` is `false`. An administrator may allow it with "
                        + "`-Dernie.files.write.enabled=true` (or ERNIE_FILES_WRITE_ENABLED=true).");
        System.setProperty("ernie.files.write.enabled", "no");
        assertThatThrownBy(PluginFolders::fileWritesEnabled)
                .hasMessage("Value for `ernie.files.write.enabled` was `no`, but must be `true` or `false`.");
    }
}
