package io.ernieneo4j.tests.server;

import org.neo4j.procedure.Procedure;
import org.neo4j.procedure.UserAggregationFunction;
import org.neo4j.procedure.UserFunction;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * The classes of Graph Data Science that declare procedures and functions, found on the class path. The harness
 * registers procedures one class at a time (it has no plugin scan for class-path jars), so they are listed here.
 */
final class GdsProcedures {

    /** Procedure classes, user-function classes and aggregation-function classes. */
    record Found(List<Class<?>> procedures, List<Class<?>> functions, List<Class<?>> aggregations) {}

    private GdsProcedures() {}

    static Found scan() {
        List<Class<?>> procedures = new ArrayList<>();
        List<Class<?>> functions = new ArrayList<>();
        List<Class<?>> aggregations = new ArrayList<>();
        ClassLoader loader = GdsProcedures.class.getClassLoader();
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path jar = Path.of(entry);
            // GDS jars sit under org/neo4j/gds in a Maven repository; nothing else on the class path is scanned.
            if (!jar.toString().replace('\\', '/').contains("/org/neo4j/gds/") || !Files.isRegularFile(jar)) {
                continue;
            }
            try (JarFile file = new JarFile(jar.toFile())) {
                Enumeration<JarEntry> entries = file.entries();
                while (entries.hasMoreElements()) {
                    String name = entries.nextElement().getName();
                    if (!name.endsWith(".class") || name.contains("$") || !name.startsWith("org/neo4j/gds/")) {
                        continue;
                    }
                    Class<?> type = load(loader, name.substring(0, name.length() - 6).replace('/', '.'));
                    if (type == null) {
                        continue;
                    }
                    if (declares(type, Procedure.class)) procedures.add(type);
                    if (declares(type, UserFunction.class)) functions.add(type);
                    if (declares(type, UserAggregationFunction.class)) aggregations.add(type);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot scan " + jar, e);
            }
        }
        if (procedures.isEmpty()) {
            throw new IllegalStateException("No GDS procedures on the class path (org.neo4j.gds:proc is missing).");
        }
        return new Found(procedures, functions, aggregations);
    }

    private static Class<?> load(ClassLoader loader, String className) {
        try {
            return Class.forName(className, false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            return null; // classes for optional parts of GDS whose dependencies are absent
        }
    }

    private static boolean declares(Class<?> type, Class<? extends java.lang.annotation.Annotation> annotation) {
        try {
            for (Method method : type.getDeclaredMethods()) {
                if (method.isAnnotationPresent(annotation)) {
                    return true;
                }
            }
        } catch (LinkageError e) {
            // a class whose signatures name absent optional dependencies declares nothing usable
        }
        return false;
    }
}
