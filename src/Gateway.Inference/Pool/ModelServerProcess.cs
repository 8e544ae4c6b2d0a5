using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Gateway.Inference.Pool;

internal sealed class ModelServerExitedException(string message) : Exception(message);

/// <summary>
/// A launched ModelServer child: its address (read from stdout), its API key, its exit and its recent stderr. The
/// stderr goes to the log only, never into an error a caller can see: a crashing llama.cpp writes request data there
/// (the grammar it refused, for one).
/// </summary>
internal sealed class ModelServerProcess : IModelServerProcess
{
    private const int ErrorLines = 20;
    private readonly Process _process;
    private readonly string _name;
    private readonly ILogger _logger;
    private readonly TaskCompletionSource<Uri> _address = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Queue<string> _errors = new();

    public ModelServerProcess(Process process, string name, string apiKey, ILogger logger)
    {
        _process = process;
        _name = name;
        ApiKey = apiKey;
        _logger = logger;
        process.OutputDataReceived += (_, e) => OnOutput(e.Data);
        process.ErrorDataReceived += (_, e) => OnError(e.Data);
        process.Exited += (_, _) => OnExited();
    }

    public int ProcessId => _process.Id;
    public Uri Address => _address.Task.IsCompletedSuccessfully ? _address.Task.Result : throw new InvalidOperationException("Not listening yet.");
    public Task<int> Exited => _exited.Task;
    public string ApiKey { get; }

    public string RecentErrors
    {
        get
        {
            lock (_errors)
            {
                return string.Join("\n", _errors);
            }
        }
    }

    public void BeginReading()
    {
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        if (_process.HasExited)
        {
            OnExited();
        }
    }

    public async Task WaitForAddressAsync(CancellationToken cancellation)
    {
        var done = await Task.WhenAny(_address.Task, _exited.Task).WaitAsync(cancellation);
        if (done == _exited.Task)
        {
            // Let the error reader drain so the log carries the server's reason.
            await _process.WaitForExitAsync(cancellation);
            var code = _exited.Task.Result;
            PoolLog.ExitedWhileStarting(_logger, _name, code, RecentErrors);
            throw new ModelServerExitedException(code == ModelServerLauncher.LoadFailedExitCode
                ? $"its model server exited with code {code}: it could not load the model (the gateway log has its output)."
                : $"its model server exited with code {code} before listening (the gateway log has its output).");
        }
    }

    private void OnOutput(string? line)
    {
        if (line is null)
        {
            return;
        }
        if (line.StartsWith(ModelServerLauncher.ListeningPrefix, StringComparison.Ordinal)
            && Uri.TryCreate(line[ModelServerLauncher.ListeningPrefix.Length..].Trim(), UriKind.Absolute, out var uri))
        {
            _address.TrySetResult(uri);
        }
        PoolLog.ChildOutput(_logger, _name, line);
    }

    private void OnError(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_errors)
        {
            _errors.Enqueue(line);
            while (_errors.Count > ErrorLines)
            {
                _errors.Dequeue();
            }
        }
        PoolLog.ChildError(_logger, _name, line);
    }

    private void OnExited()
    {
        int code;
        try
        {
            code = _process.ExitCode;
        }
        catch (InvalidOperationException)
        {
            code = -1;
        }
        _exited.TrySetResult(code);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            }
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException or System.ComponentModel.Win32Exception)
        {
            // Never started, already gone, or stuck; nothing more to do.
        }
        _process.Dispose();
    }
}
