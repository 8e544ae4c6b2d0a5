using System.Buffers.Binary;
using System.Text;

namespace Gateway.Trainer;

/// <summary>
/// TorchSharp 0.107's <c>libLibTorchSharp.so</c> is built with GCC 13 and asks the C++ runtime for one symbol of
/// <c>GLIBCXX_3.4.32</c>, <c>std::ios_base_library_init()</c>, which only makes sure the standard streams are set up
/// (libtorch sets them up itself). On a system whose libstdc++ predates GCC 13 (Debian 12) the library then fails to
/// load. When that is the case, this rewrites the copy beside the trainer so the reference names
/// <c>std::get_new_handler()</c> of <c>GLIBCXX_3.4.20</c> instead, a call without effects; nothing else changes.
/// </summary>
internal static class LibTorchCompat
{
    private const string NewSymbol = "_ZSt21ios_base_library_initv";
    private const string OldSymbol = "_ZSt15get_new_handlerv";
    private const string NewVersion = "GLIBCXX_3.4.32";
    private const string OldVersion = "GLIBCXX_3.4.20";

    public static void EnsureLoadable()
    {
        if (!OperatingSystem.IsLinux() || SystemHasVersion())
        {
            return;
        }
        foreach (var path in Directory.EnumerateFiles(AppContext.BaseDirectory, "libLibTorchSharp.so", SearchOption.AllDirectories))
        {
            var bytes = File.ReadAllBytes(path);
            if (Patch(bytes))
            {
                // Several trainers may start at once: each writes its own copy and the moves replace atomically.
                var temp = $"{path}.{Environment.ProcessId}.tmp";
                File.WriteAllBytes(temp, bytes);
                File.Move(temp, path, overwrite: true);
            }
        }
    }

    private static bool SystemHasVersion()
    {
        string[] candidates = ["/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6", "/usr/lib/libstdc++.so.6"];
        var file = candidates.FirstOrDefault(File.Exists);
        return file is null || Contains(File.ReadAllBytes(file), Encoding.ASCII.GetBytes(NewVersion + "\0")) >= 0;
    }

    /// <summary>Rewrites the version requirement and the symbol name in place; false when there is nothing to change.</summary>
    internal static bool Patch(byte[] elf)
    {
        var symbol = Contains(elf, Encoding.ASCII.GetBytes(NewSymbol + "\0"));
        var sections = Sections(elf);
        if (symbol < 0 || !sections.TryGetValue(".dynstr", out var dynstr) || !sections.TryGetValue(".gnu.version_r", out var versions))
        {
            return false;
        }

        // Walk the version needs (Elf64_Verneed / Elf64_Vernaux) for the GCC 13 entry.
        var changed = false;
        var need = (int)versions.Offset;
        for (var n = 0; n < versions.Info; n++)
        {
            var count = BinaryPrimitives.ReadUInt16LittleEndian(elf.AsSpan(need + 2));
            var aux = need + (int)BinaryPrimitives.ReadUInt32LittleEndian(elf.AsSpan(need + 8));
            for (var a = 0; a < count; a++)
            {
                var nameOffset = (int)dynstr.Offset + (int)BinaryPrimitives.ReadUInt32LittleEndian(elf.AsSpan(aux + 8));
                if (elf.AsSpan(nameOffset, NewVersion.Length + 1).SequenceEqual(Encoding.ASCII.GetBytes(NewVersion + "\0")))
                {
                    BinaryPrimitives.WriteUInt32LittleEndian(elf.AsSpan(aux), ElfHash(OldVersion));
                    Encoding.ASCII.GetBytes(OldVersion).CopyTo(elf, nameOffset);
                    changed = true;
                }
                aux += (int)BinaryPrimitives.ReadUInt32LittleEndian(elf.AsSpan(aux + 12));
            }
            var next = BinaryPrimitives.ReadUInt32LittleEndian(elf.AsSpan(need + 12));
            if (next == 0)
            {
                break;
            }
            need += (int)next;
        }
        if (changed)
        {
            Array.Clear(elf, symbol, NewSymbol.Length);
            Encoding.ASCII.GetBytes(OldSymbol).CopyTo(elf, symbol);
        }
        return changed;
    }

    private static Dictionary<string, (long Offset, uint Info)> Sections(byte[] elf)
    {
        var result = new Dictionary<string, (long, uint)>(StringComparer.Ordinal);
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[4] != 2)
        {
            return result;
        }
        var shoff = (long)BinaryPrimitives.ReadUInt64LittleEndian(elf.AsSpan(0x28));
        var entsize = BinaryPrimitives.ReadUInt16LittleEndian(elf.AsSpan(0x3a));
        var count = BinaryPrimitives.ReadUInt16LittleEndian(elf.AsSpan(0x3c));
        var names = BinaryPrimitives.ReadUInt16LittleEndian(elf.AsSpan(0x3e));
        long Field(int index, int at) => (long)BinaryPrimitives.ReadUInt64LittleEndian(elf.AsSpan((int)(shoff + (index * entsize) + at)));
        var namesOffset = Field(names, 0x18);
        for (var i = 0; i < count; i++)
        {
            var header = (int)(shoff + (i * entsize));
            var nameStart = (int)(namesOffset + BinaryPrimitives.ReadUInt32LittleEndian(elf.AsSpan(header)));
            var nameEnd = Array.IndexOf(elf, (byte)0, nameStart);
            var name = Encoding.ASCII.GetString(elf, nameStart, nameEnd - nameStart);
            result[name] = (Field(i, 0x18), BinaryPrimitives.ReadUInt32LittleEndian(elf.AsSpan(header + 0x2c)));
        }
        return result;
    }

    private static uint ElfHash(string name)
    {
        uint h = 0;
        foreach (var c in Encoding.ASCII.GetBytes(name))
        {
            h = (h << 4) + c;
            var g = h & 0xf0000000;
            if (g != 0)
            {
                h ^= g >> 24;
            }
            h &= ~g;
        }
        return h;
    }

    private static int Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle);
}
