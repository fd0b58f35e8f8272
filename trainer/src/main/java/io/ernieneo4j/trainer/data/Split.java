package io.ernieneo4j.trainer.data;

import java.util.List;

/** Train, dev (validation) and test parts of one dataset. */
public record Split<T>(List<T> train, List<T> dev, List<T> test) {

    public int size() {
        return train.size() + dev.size() + test.size();
    }
}
