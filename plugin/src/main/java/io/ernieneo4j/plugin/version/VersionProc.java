package io.ernieneo4j.plugin.version;

import io.ernieneo4j.plugin.common.PluginRuntime;
import io.ernieneo4j.trainer.engine.EngineInfo;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Transaction;
import org.neo4j.procedure.Context;
import org.neo4j.procedure.Description;
import org.neo4j.procedure.Mode;
import org.neo4j.procedure.Procedure;

import java.util.stream.Stream;

/** {@code ernie.version()}: proves the stack by starting it. */
public class VersionProc {

    @Context
    public GraphDatabaseService db;

    @Context
    public Transaction tx;

    @Procedure(name = "ernie.version", mode = Mode.READ)
    @Description("Returns the versions of the plugin, Neo4j, GDS and DJL, starting DJL's PyTorch engine (offline) "
            + "with a tiny array operation to report the device it computes on and its threads.")
    public Stream<VersionResult> version() {
        EngineInfo engine = PluginRuntime.engine(db);
        String gdsVersion = HostVersions.gdsVersion(tx);
        return Stream.of(new VersionResult(
                PluginRuntime.version(),
                HostVersions.neo4jVersion(tx),
                gdsVersion != null,
                gdsVersion,
                engine.djlVersion(),
                engine.engineName(),
                engine.engineVersion(),
                engine.device(),
                engine.gpuCount(),
                engine.threads(),
                engine.cacheDir().toString()));
    }

    public record VersionResult(
            @Description("The ernie-neo4j plugin version.") String pluginVersion,
            @Description("The Neo4j kernel version.") String neo4jVersion,
            @Description("Whether Graph Data Science procedures are installed.") boolean gdsAvailable,
            @Description("The GDS version, or null without GDS.") String gdsVersion,
            @Description("Deep Java Library's version.") String djlVersion,
            @Description("The deep learning engine DJL loaded.") String engine,
            @Description("The engine's native library version.") String engineVersion,
            @Description("`cpu` or `gpu`: where the engine computes by default.") String device,
            @Description("GPUs the engine can see.") long gpuCount,
            @Description("Intra-op threads of the engine.") long threads,
            @Description("Folder where DJL unpacked its natives.") String djlCacheDir) {}
}
