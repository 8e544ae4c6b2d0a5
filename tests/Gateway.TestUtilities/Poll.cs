namespace Gateway.TestUtilities;

/// <summary>
/// Re-reads state until a condition holds, for what no event announces: another process acting on its own clock or
/// schedule (Redis expiring a key, a model server freeing a sequence). The deadline is a backstop for a broken test,
/// never what is tested.
/// </summary>
public static class Poll
{
    public static readonly TimeSpan DefaultBackstop = TimeSpan.FromSeconds(30);

    /// <summary>Returns once <paramref name="condition"/> holds; throws <see cref="TimeoutException"/> with <paramref name="failure"/> at the backstop.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, string failure, TimeSpan? backstop = null)
    {
        using var deadline = new CancellationTokenSource(backstop ?? DefaultBackstop);
        while (!await condition())
        {
            try
            {
                await Task.Delay(20, deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException(failure);
            }
        }
    }
}
