package io.jlvs.dataplane.conn;

import net.openhft.chronicle.hash.VanillaGlobalMutableState;
import net.openhft.chronicle.values.ValueModel;
import net.openhft.compiler.CachedCompiler;

import java.io.File;
import java.lang.reflect.Method;

/**
 * Run by the build (dataplane/pom.xml, process-classes): compiles, into the dataplane's classes, the off-heap value
 * classes Chronicle Map would otherwise generate and compile with javac in every director's start
 * ({@code VanillaGlobalMutableState$$Native}, the header of every map). Chronicle Values loads such a class by
 * name before it generates one, so the director starts without javac: 1.5 s of a start on a server, most of a
 * minute on a slow CPU (the appliance under QEMU's emulation).
 */
public final class ValueClassesAhead
{
    /** The value interfaces Chronicle Map generates an off-heap class for when it makes or opens a map. */
    private static final Class<?>[] VALUE_INTERFACES = {VanillaGlobalMutableState.class};

    private ValueClassesAhead()
    {
    }

    /**
     * @param args the classes directory to write the compiled classes into
     * @throws Exception when Chronicle Values cannot generate or compile one: the build fails
     */
    public static void main(final String[] args) throws Exception
    {
        if (args.length != 1)
        {
            throw new IllegalArgumentException("usage: ValueClassesAhead CLASSES_DIR");
        }
        final File classes = new File(args[0]);
        // Generators is Chronicle Values' own source writer, the one it runs at run time; not public API
        final Method generate = Class.forName("net.openhft.chronicle.values.Generators")
            .getDeclaredMethod("generateNativeClass", ValueModel.class, String.class);
        generate.setAccessible(true);
        try (CachedCompiler compiler = new CachedCompiler(null, classes))
        {
            for (final Class<?> valueInterface : VALUE_INTERFACES)
            {
                final String simpleName = valueInterface.getSimpleName() + ValueModel.$$NATIVE;
                final String name = valueInterface.getPackageName() + "." + simpleName;
                final String source = (String)generate.invoke(null, ValueModel.acquire(valueInterface), simpleName);
                compiler.loadFromJava(ValueClassesAhead.class.getClassLoader(), name, source);
                System.out.println("ValueClassesAhead: " + name + " compiled into " + classes);
            }
        }
    }
}
