using Gateway.Configuration;
using Microsoft.Extensions.Primitives;

namespace Gateway.Host.Configuration;

/// <summary>
/// An immutable snapshot built from configuration, rebuilt on every reload and swapped whole.
/// A reload that fails to build (a file that does not parse, a value that does not validate)
/// is logged and the last good snapshot stays in force.
/// </summary>
internal sealed partial class ReloadingSnapshot<T> : IDisposable where T : class
{
    private readonly IConfiguration _configuration;
    private readonly string _sectionPath;
    private readonly Func<IConfiguration, T> _build;
    private readonly ConfigurationFiles _files;
    private readonly ILogger _logger;
    private readonly IDisposable _registration;
    private string _fingerprint;
    private volatile T _current;

    public ReloadingSnapshot(IConfiguration configuration, string sectionPath, Func<IConfiguration, T> build, ConfigurationFiles files, ILogger logger)
    {
        _configuration = configuration;
        _sectionPath = sectionPath;
        _build = build;
        _files = files;
        _logger = logger;
        _fingerprint = Fingerprint();
        _current = build(configuration);
        _registration = ChangeToken.OnChange(configuration.GetReloadToken, () => Reload());
    }

    public T Current => _current;

    /// <summary>Raised after a new snapshot was swapped in.</summary>
    public event Action<T>? Changed;

    public void Dispose() => _registration.Dispose();

    /// <summary>Rebuilds now; returns false and keeps the last good snapshot when the new one is invalid.</summary>
    public bool Reload()
    {
        if (!_files.TryValidate(out var fileError))
        {
            LogReloadRejected(_logger, _sectionPath, fileError ?? "unreadable file");
            return false;
        }

        var fingerprint = Fingerprint();
        if (fingerprint == _fingerprint)
        {
            return true;
        }

        T next;
        try
        {
            next = _build(_configuration);
        }
        catch (Exception ex) when (ex is ConfigurationException or InvalidOperationException or FormatException)
        {
            LogReloadRejected(_logger, _sectionPath, ex.Message);
            return false;
        }

        _fingerprint = fingerprint;
        _current = next;
        LogReloaded(_logger, _sectionPath);
        Changed?.Invoke(next);
        return true;
    }

    private string Fingerprint()
    {
        var pairs = _configuration.GetSection(_sectionPath).AsEnumerable()
            .Where(p => p.Value is not null)
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => $"{p.Key}={p.Value}");
        return string.Join('\n', pairs);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Configuration reload of '{Section}' rejected, keeping the last good configuration: {Reason}")]
    private static partial void LogReloadRejected(ILogger logger, string section, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Configuration '{Section}' reloaded")]
    private static partial void LogReloaded(ILogger logger, string section);
}
