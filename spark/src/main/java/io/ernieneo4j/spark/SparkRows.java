package io.ernieneo4j.spark;

import scala.jdk.javaapi.CollectionConverters;

import java.util.List;

/** Java values as Spark's row encoders take them: array columns must be Scala sequences, not Java lists. */
final class SparkRows {

    private SparkRows() {}

    static <T> scala.collection.Seq<T> seq(List<T> list) {
        return CollectionConverters.asScala(list).toSeq();
    }
}
