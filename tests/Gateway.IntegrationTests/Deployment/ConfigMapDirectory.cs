using System.Diagnostics;

namespace Gateway.IntegrationTests.Deployment;

/// <summary>
/// A folder laid out the way the kubelet lays out a ConfigMap volume: the data in a timestamped
/// folder, a <c>..data</c> link to it, and each file a link through <c>..data</c>. An update writes a
/// new timestamped folder and swaps <c>..data</c> by renaming a new link over it, so the files the
/// gateway watches are links whose own timestamps never change.
/// </summary>
public sealed class ConfigMapDirectory : IDisposable
{
    private int _version;

    private ConfigMapDirectory(string path)
    {
        Path = path;
    }

    public string Path { get; }

    public static ConfigMapDirectory Create(IReadOnlyDictionary<string, string> files)
    {
        var directory = new ConfigMapDirectory(Directory.CreateTempSubdirectory("gateway-configmap-").FullName);
        var data = directory.WriteVersion(files);
        Directory.CreateSymbolicLink(System.IO.Path.Combine(directory.Path, "..data"), data);
        foreach (var name in files.Keys)
        {
            File.CreateSymbolicLink(System.IO.Path.Combine(directory.Path, name), System.IO.Path.Combine("..data", name));
        }

        return directory;
    }

    /// <summary>Replaces the data as the kubelet does when the ConfigMap changes (same file names).</summary>
    public void Update(IReadOnlyDictionary<string, string> files)
    {
        var previous = new DirectoryInfo(System.IO.Path.Combine(Path, "..data")).LinkTarget!;
        var data = WriteVersion(files);
        var temporary = System.IO.Path.Combine(Path, "..data_tmp");
        Directory.CreateSymbolicLink(temporary, data);

        // rename(2) of a link over a link: what the kubelet's atomic writer does.
        using var move = Process.Start(new ProcessStartInfo("mv", ["-T", temporary, System.IO.Path.Combine(Path, "..data")]))!;
        move.WaitForExit();
        Assert.Equal(0, move.ExitCode);
        Directory.Delete(System.IO.Path.Combine(Path, previous), recursive: true);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }

    private string WriteVersion(IReadOnlyDictionary<string, string> files)
    {
        var name = $"..2026_01_01_00_00_{++_version:00}.{Guid.NewGuid():N}";
        var folder = Directory.CreateDirectory(System.IO.Path.Combine(Path, name)).FullName;
        foreach (var (file, text) in files)
        {
            File.WriteAllText(System.IO.Path.Combine(folder, file), text);
        }

        return name;
    }
}
