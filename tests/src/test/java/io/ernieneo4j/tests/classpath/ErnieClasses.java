package io.ernieneo4j.tests.classpath;

import io.ernieneo4j.plugin.align.AlignDictionaryProc;
import io.ernieneo4j.plugin.align.AlignStreamProc;
import io.ernieneo4j.plugin.align.AlignWriteProc;
import io.ernieneo4j.plugin.align.AlignEvaluateProc;
import io.ernieneo4j.plugin.align.AlignTrainProc;
import io.ernieneo4j.plugin.dataset.DatasetExportProc;
import io.ernieneo4j.plugin.dataset.WordNetLoadProc;
import io.ernieneo4j.plugin.dataset.WordNetSplitProc;
import io.ernieneo4j.plugin.model.ErnieModelProc;
import io.ernieneo4j.plugin.relation.RelationProc;
import io.ernieneo4j.plugin.train.ErnieTrainProc;
import io.ernieneo4j.plugin.transe.TransEEvaluateProc;
import io.ernieneo4j.plugin.transe.TransEModelProc;
import io.ernieneo4j.plugin.transe.TransEPredictProc;
import io.ernieneo4j.plugin.transe.TransETrainProc;
import io.ernieneo4j.plugin.type.TypeProc;
import io.ernieneo4j.plugin.version.VersionProc;

/** Every class of the plugin that declares procedures or functions, for class-path mode. */
public final class ErnieClasses {

    public static final Class<?>[] PROCEDURES = {VersionProc.class, WordNetLoadProc.class, WordNetSplitProc.class,
            DatasetExportProc.class,
            TransETrainProc.class,
            TransEEvaluateProc.class, TransEPredictProc.class, TransEModelProc.class,
            AlignStreamProc.class, AlignWriteProc.class, AlignEvaluateProc.class, AlignTrainProc.class, AlignDictionaryProc.class, ErnieModelProc.class, TypeProc.class,
            RelationProc.class, ErnieTrainProc.class};

    public static final Class<?>[] FUNCTIONS = {TransEModelProc.class};

    private ErnieClasses() {}
}
