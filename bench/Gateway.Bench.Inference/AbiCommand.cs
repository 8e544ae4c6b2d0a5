using System.CommandLine;
using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using LLama.Native;

namespace Gateway.Bench.Inference;

/// <summary>
/// <c>abi</c>: what LLamaSharp expects of the native library, read from its own assembly: the size and field offsets of
/// every struct it passes to llama.cpp, and every native entry point it imports, one per line. bench/gpu/abi-check.sh
/// compares the layouts with a C program compiled against a llama.cpp source's headers and the entry points with the
/// built libraries' dynamic symbols.
/// </summary>
internal static class AbiCommand
{
    public static Command Create()
    {
        var command = new Command("abi", "Print LLamaSharp's native struct layouts (struct/field lines) and imported entry points (import lines).");
        command.SetAction(_ =>
        {
            var assembly = typeof(NativeApi).Assembly;
            foreach (var line in Layouts(assembly).Concat(Imports(assembly)).Order(StringComparer.Ordinal))
            {
                Console.WriteLine(line);
            }
            return 0;
        });
        return command;
    }

    private static IEnumerable<string> Layouts(Assembly assembly)
    {
        foreach (var type in assembly.GetTypes())
        {
            if (!type.IsValueType || type.IsEnum || type.IsGenericTypeDefinition || type.Namespace != "LLama.Native" || type.IsLayoutSequential is false && !type.IsExplicitLayout)
            {
                continue;
            }
            int size;
            try
            {
                size = Marshal.SizeOf(type);
            }
            catch (ArgumentException)
            {
                continue; // Not marshalled as a struct (it holds references); LLamaSharp never hands it to native code.
            }
            yield return string.Create(CultureInfo.InvariantCulture, $"struct {type.Name} {size}");
            foreach (var field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
            {
                var offset = Marshal.OffsetOf(type, field.Name).ToInt64();
                yield return string.Create(CultureInfo.InvariantCulture, $"field {type.Name} {field.Name} {offset}");
            }
        }
    }

    private static IEnumerable<string> Imports(Assembly assembly)
    {
        const BindingFlags all = BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly;
        Type[] types;
        try
        {
            types = assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException e)
        {
            types = [.. e.Types.OfType<Type>()];
        }
        foreach (var type in types)
        {
            foreach (var method in type.GetMethods(all))
            {
                if (method.GetCustomAttribute<DllImportAttribute>() is { } import)
                {
                    yield return $"import {import.Value} {import.EntryPoint ?? method.Name}";
                }
            }
        }
    }
}
