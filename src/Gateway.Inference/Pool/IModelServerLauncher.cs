namespace Gateway.Inference.Pool;

/// <summary>Starts model server processes; the seam that lets tests supervise fakes.</summary>
internal interface IModelServerLauncher
{
    /// <summary>Starts a server for the model and returns once it listens (or throws with the reason it did not).</summary>
    Task<IModelServerProcess> StartAsync(string name, LocalModelOptions model, CancellationToken cancellation);
}

/// <summary>A running model server.</summary>
internal interface IModelServerProcess : IAsyncDisposable
{
    int ProcessId { get; }

    /// <summary>Root URL of the server, e.g. http://127.0.0.1:5123/.</summary>
    Uri Address { get; }

    /// <summary>Completes with the exit code when the process ends.</summary>
    Task<int> Exited { get; }

    /// <summary>
    /// The secret every request to it must carry (<c>Authorization: Bearer KEY</c>), fresh for each launch and handed
    /// to the child in its environment, never on its command line.
    /// </summary>
    string ApiKey { get; }

    /// <summary>The last lines it wrote to stderr, for the log only: they may hold request data (a grammar llama.cpp refused).</summary>
    string RecentErrors { get; }
}
