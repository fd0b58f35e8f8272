package io.ernieneo4j.plugin.align;

import io.ernieneo4j.trainer.align.AlignmentDictionary;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Relationship;
import org.neo4j.graphdb.Transaction;
import org.neo4j.graphdb.event.TransactionData;
import org.neo4j.graphdb.event.TransactionEventListenerAdapter;
import org.neo4j.kernel.internal.GraphDatabaseAPI;

import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Alignment dictionaries kept per database and configuration, and rebuilt when the graph changed since they were
 * built: a transaction listener counts every commit that creates or deletes nodes, changes labels or node
 * properties, or creates or deletes relationships other than {@code MENTIONS} (so that writing alignments does not
 * throw the dictionary away). A cached dictionary is served only while that count is unchanged: never stale.
 */
final class DictionaryCache {

    /** Dictionaries of different configurations kept per database; the least recently used goes first. */
    private static final int CONFIGURATIONS_KEPT = 4;

    /** Per server (weakly: a stopped server takes its dictionaries along), per database name. */
    private static final Map<DatabaseManagementService, Map<String, DictionaryCache>> CACHES =
            Collections.synchronizedMap(new WeakHashMap<>());

    /** A dictionary and the graph version it was read at. */
    record Cached(AlignmentDictionary dictionary, long graphVersion, long buildMillis, boolean fresh) {}

    private final AtomicLong graphVersion = new AtomicLong();
    private final Map<DictionaryConfig, Cached> dictionaries = new LinkedHashMap<>(8, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<DictionaryConfig, Cached> eldest) {
            return size() > CONFIGURATIONS_KEPT;
        }
    };

    private DictionaryCache() {}

    /** The cache of {@code db}, listening to its commits from the first call on. */
    static DictionaryCache of(GraphDatabaseService db) {
        // Internal API, kept to this one place: the public API offers transaction listeners only on the DBMS.
        DatabaseManagementService dbms = ((GraphDatabaseAPI) db).getDependencyResolver()
                .resolveDependency(DatabaseManagementService.class);
        synchronized (CACHES) {
            return CACHES.computeIfAbsent(dbms, d -> new HashMap<>())
                    .computeIfAbsent(db.databaseName(), name -> {
                        DictionaryCache cache = new DictionaryCache();
                        dbms.registerTransactionEventListener(name, cache.new ChangeListener());
                        return cache;
                    });
        }
    }

    /** The dictionary for {@code config}, built by {@code build} when absent, stale or {@code rebuild} is asked. */
    synchronized Cached get(DictionaryConfig config, boolean rebuild, Supplier<AlignmentDictionary> build) {
        long version = graphVersion.get();
        Cached cached = dictionaries.get(config);
        if (!rebuild && cached != null && cached.graphVersion() == version) {
            return new Cached(cached.dictionary(), version, cached.buildMillis(), false);
        }
        long start = System.nanoTime();
        AlignmentDictionary dictionary = build.get();
        Cached built = new Cached(dictionary, version, (System.nanoTime() - start) / 1_000_000, true);
        dictionaries.put(config, built);
        return built;
    }

    /** Looks at a transaction's changes while they can still be read, and counts it once it has committed. */
    private final class ChangeListener extends TransactionEventListenerAdapter<Boolean> {
        @Override
        public Boolean beforeCommit(TransactionData data, Transaction transaction,
                                    GraphDatabaseService db) {
            return changesEntities(data);
        }

        @Override
        public void afterCommit(TransactionData data, Boolean changed, GraphDatabaseService db) {
            if (Boolean.TRUE.equals(changed)) {
                graphVersion.incrementAndGet();
            }
        }

        private static boolean changesEntities(TransactionData data) {
            if (data.createdNodes().iterator().hasNext() || data.deletedNodes().iterator().hasNext()
                    || data.assignedLabels().iterator().hasNext() || data.removedLabels().iterator().hasNext()
                    || data.assignedNodeProperties().iterator().hasNext()
                    || data.removedNodeProperties().iterator().hasNext()) {
                return true;
            }
            for (Relationship r : data.createdRelationships()) {
                if (!r.isType(AlignFeature.MENTIONS)) {
                    return true;
                }
            }
            for (Relationship r : data.deletedRelationships()) {
                if (!r.isType(AlignFeature.MENTIONS)) {
                    return true;
                }
            }
            return false;
        }
    }
}
