package io.ernieneo4j.trainer.data;

import java.util.List;

/** One pretraining text (one JSON line) with its entity mentions: what masked LM + dEA learn from. */
public record CorpusDocument(String id, String text, List<Mention> entities) {}
