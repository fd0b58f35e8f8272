package io.ernieneo4j.plugin.common;

import java.util.Locale;

/** Byte counts as the {@code requiredMemory} column of the estimate procedures writes them (GDS's style). */
public final class MemorySize {

    private MemorySize() {}

    public static String human(long bytes) {
        if (bytes < 1024) return bytes + " Bytes";
        if (bytes < 1024 * 1024) return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
        if (bytes < 1024L * 1024 * 1024) return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
        return String.format(Locale.ROOT, "%.2f GiB", bytes / (1024.0 * 1024 * 1024));
    }
}
