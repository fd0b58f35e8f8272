package io.ernieneo4j.tests.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code docs/procedures.md}, generated from what a server with the plugin says about its {@code ernie.*}
 * procedures and functions ({@link #PROCEDURES} and {@link #FUNCTIONS}): names, modes, descriptions, signatures and
 * the descriptions of arguments and yielded fields, sorted by name (procedures first, then functions).
 * {@code ProcedureReferenceTest} compares the file with {@link #render} and, with
 * {@code -Dernie.writeProcedureReference=true}, rewrites it ({@link #REGENERATE}).
 */
public final class ProcedureReference {

    /** The query for the procedures' rows. */
    public static final String PROCEDURES = "SHOW PROCEDURES YIELD name, description, mode, signature, "
            + "argumentDescription, returnDescription WHERE name STARTS WITH 'ernie.' "
            + "RETURN name, description, mode, signature, argumentDescription, returnDescription ORDER BY name";

    /** The query for the functions' rows (functions have no mode). */
    public static final String FUNCTIONS = "SHOW FUNCTIONS YIELD name, description, signature, argumentDescription, "
            + "returnDescription WHERE name STARTS WITH 'ernie.' "
            + "RETURN name, description, signature, argumentDescription, returnDescription ORDER BY name";

    /** The one command that rewrites the file from the code, from the repository root. */
    public static final String REGENERATE = "./ernie.sh mvn -pl tests -am verify -Dtest=ProcedureReferenceTest "
            + "-Dsurefire.failIfNoSpecifiedTests=false -Dernie.skipDeployedTests=true "
            + "-Dernie.writeProcedureReference=true";

    /** The file, relative to the repository root. */
    public static final String FILE = "docs/procedures.md";

    /** Lines of prose and signatures are wrapped at this width, as the project's Markdown is. */
    static final int WIDTH = 120;

    private static final Pattern BLOCK_START = Pattern.compile("[-+*>#|=]|\\d+[.)]");

    private ProcedureReference() {}

    /** The repository root: the first folder at or above {@code start} that holds {@code ernie.sh}. */
    public static Path repositoryRoot(Path start) {
        for (Path dir = start.toAbsolutePath().normalize(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("ernie.sh"))) return dir;
        }
        throw new IllegalStateException("No ernie.sh at or above " + start.toAbsolutePath());
    }

    public static Path file(Path repositoryRoot) {
        return repositoryRoot.resolve(FILE);
    }

    public static String read(Path file) throws IOException {
        return Files.isRegularFile(file) ? Files.readString(file) : "";
    }

    public static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    /** The file's text for the rows of {@link #PROCEDURES} and {@link #FUNCTIONS}. */
    public static String render(List<Map<String, Object>> procedures, List<Map<String, Object>> functions) {
        List<Map<String, Object>> procs = sorted(procedures);
        List<Map<String, Object>> funcs = sorted(functions);
        StringBuilder out = new StringBuilder();
        out.append("# Procedure reference\n\n");
        out.append("""
                <!-- Generated; do not edit. Regenerate with the command below. -->

                Generated from the plugin's own descriptions (`SHOW PROCEDURES` and `SHOW FUNCTIONS`, names starting
                with `ernie.`), sorted by name, procedures first. `ProcedureReferenceTest` (tests module) fails when
                this file and the code disagree; after changing a procedure, its description or the description of
                an argument or a yielded field, regenerate it from the repository root with:

                ```bash
                %s
                ```

                How the procedures work together, with examples and measurements: the feature pages linked from the
                [README](../README.md).

                """.formatted(REGENERATE.replace(" -Dsurefire", " \\\n    -Dsurefire")));
        out.append("| name | kind | mode |\n|---|---|---|\n");
        for (Map<String, Object> p : procs) {
            out.append("| [`").append(name(p)).append("`](#").append(anchor(name(p))).append(") | procedure | ")
                    .append(((String) p.get("mode")).toLowerCase(Locale.ROOT)).append(" |\n");
        }
        for (Map<String, Object> f : funcs) {
            out.append("| [`").append(name(f)).append("`](#").append(anchor(name(f))).append(") | function | |\n");
        }
        for (Map<String, Object> p : procs) {
            section(out, p, "Procedure, mode `" + p.get("mode") + "`.");
        }
        for (Map<String, Object> f : funcs) {
            section(out, f, "Function.");
        }
        return out.toString();
    }

    private static void section(StringBuilder out, Map<String, Object> row, String kind) {
        out.append("\n## ").append(name(row)).append("\n\n");
        out.append(wrapWords(kind + ' ' + oneLine((String) row.get("description")), "")).append("\n\n");
        out.append("```text\n").append(wrap(topLevelItems(oneLine((String) row.get("signature"))), ",", "    "))
                .append("\n```\n");
        fields(out, "Arguments:", row.get("argumentDescription"));
        fields(out, "Yields:", row.get("returnDescription"));
        returns(out, row.get("returnDescription"));
    }

    /** A list of named, typed fields with their descriptions, one bullet each, wrapped. */
    private static void fields(StringBuilder out, String title, Object fields) {
        if (!(fields instanceof List<?> list) || list.isEmpty()) return;
        out.append('\n').append(title).append('\n');
        for (Object f : list) {
            Map<?, ?> field = (Map<?, ?>) f;
            String description = oneLine((String) field.get("description"));
            String text = "- `" + field.get("name") + "` (`" + field.get("type") + "`)"
                    + (description.isEmpty() ? "" : ": " + description);
            out.append(wrapWords(text, "  ")).append('\n');
        }
    }

    /** A function's return value, when it is described. */
    private static void returns(StringBuilder out, Object description) {
        if (description instanceof String text && !oneLine(text).isEmpty()) {
            String line = oneLine(text);
            // a bare type such as LIST<ANY> is code, not HTML
            out.append('\n').append(wrapWords("Returns: " + (line.contains(" ") ? line : "`" + line + "`"), ""))
                    .append('\n');
        }
    }

    /**
     * Items joined by {@code joiner} (appended to every item but the last) and a space, greedily wrapped at
     * {@link #WIDTH} characters, continuation lines starting with {@code indent}.
     */
    static String wrap(List<String> items, String joiner, String indent) {
        StringBuilder out = new StringBuilder();
        int lineStart = 0;
        for (int i = 0; i < items.size(); i++) {
            String item = item(items, i, joiner);
            if (i > 0) {
                int end = out.length() - lineStart + 1 + item.length();
                // a line must not start with what Markdown reads as a list item, quote or heading: such an item
                // stays on the line before, and the break comes one item earlier when that makes it fit
                boolean nextMustFollow = i + 1 < items.size() && startsBlock(items.get(i + 1))
                        && end + 1 + item(items, i + 1, joiner).length() > WIDTH;
                if (startsBlock(item) || (end <= WIDTH && !nextMustFollow)) {
                    out.append(' ');
                } else {
                    out.append('\n');
                    lineStart = out.length();
                    out.append(indent);
                }
            }
            out.append(item);
        }
        return out.toString();
    }

    private static String item(List<String> items, int i, String joiner) {
        return items.get(i) + (i < items.size() - 1 ? joiner : "");
    }

    private static boolean startsBlock(String item) {
        return BLOCK_START.matcher(item).lookingAt();
    }

    private static String wrapWords(String text, String indent) {
        return wrap(List.of(text.split(" ")), "", indent);
    }

    /** A signature cut at its commas outside brackets, braces and quotes. */
    static List<String> topLevelItems(String signature) {
        List<String> items = new ArrayList<>();
        int depth = 0;
        char quote = 0;
        int start = 0;
        for (int i = 0; i < signature.length(); i++) {
            char c = signature.charAt(i);
            if (quote != 0) {
                if (c == quote) quote = 0;
            } else if (c == '"' || c == '\'') {
                quote = c;
            } else if (c == '[' || c == '{') {
                depth++;
            } else if (c == ']' || c == '}') {
                depth--;
            } else if (c == ',' && depth == 0) {
                items.add(signature.substring(start, i).strip());
                start = i + 1;
            }
        }
        items.add(signature.substring(start).strip());
        return items;
    }

    private static List<Map<String, Object>> sorted(List<Map<String, Object>> rows) {
        List<Map<String, Object>> copy = new ArrayList<>(rows);
        copy.sort(Comparator.comparing(ProcedureReference::name));
        return copy;
    }

    private static String name(Map<String, Object> row) {
        return (String) row.get("name");
    }

    /** GitHub's heading anchor: lower case, dots and other punctuation dropped. */
    static String anchor(String heading) {
        return heading.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9 _-]", "").replace(' ', '-');
    }

    private static String oneLine(String text) {
        return text == null ? "" : text.strip().replaceAll("\\s*\\R\\s*", " ");
    }

    private static String cell(String text) {
        return oneLine(text).replace("|", "\\|");
    }
}
