using System.Collections.Concurrent;

namespace Gateway.Bench.Inference;

/// <summary>
/// One long-lived thread for the in-process decode loop, as the ModelServer decodes on its one scheduler thread.
/// </summary>
/// <remarks>
/// Every thread that starts a llama.cpp computation gets an OpenMP thread team of its own. Once the process holds more
/// OpenMP threads than cores, libgomp stops spinning between parallel regions and its threads sleep and are woken by
/// futex for every decode step. A loop that ran on whichever thread-pool thread it was given (and LLamaSharp's
/// BatchedExecutor, which decodes through <c>Task.Run</c>) created several teams and measured its single stream about
/// 20 % below the ModelServer's.
/// </remarks>
internal sealed class DecodeThread : IDisposable
{
    private readonly BlockingCollection<Action> _work = new();
    private readonly Thread _thread;

    public DecodeThread()
    {
        _thread = new Thread(() =>
        {
            foreach (var work in _work.GetConsumingEnumerable())
            {
                work();
            }
        })
        { IsBackground = true, Name = "bench-decode" };
        _thread.Start();
    }

    public Task<T> RunAsync<T>(Func<T> work)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        _work.Add(() =>
        {
            try
            {
                done.SetResult(work());
            }
#pragma warning disable CA1031 // Handed to the caller through the task.
            catch (Exception e)
#pragma warning restore CA1031
            {
                done.SetException(e);
            }
        });
        return done.Task;
    }

    public void Dispose()
    {
        _work.CompleteAdding();
        _thread.Join();
        _work.Dispose();
    }
}
