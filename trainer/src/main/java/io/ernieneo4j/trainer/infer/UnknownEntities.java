package io.ernieneo4j.trainer.infer;

/** What to do with a mention whose entity the entity table does not hold. */
public enum UnknownEntities {
    /** Stop with the file and line of the mention. */
    FAIL,
    /** Leave the mention without entity input, count it and report the count (the reference drops it silently). */
    SKIP
}
