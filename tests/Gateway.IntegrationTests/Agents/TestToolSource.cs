using System.ComponentModel;
using Gateway.Agents.Tools;
using Microsoft.SemanticKernel;

namespace Gateway.IntegrationTests.Agents;

/// <summary>
/// Tools that make a run's behaviour observable without timing: <c>rendezvous</c> answers only when a
/// second call is running at the same moment (so it proves two steps ran in parallel), <c>broken</c>
/// always throws and <c>stall</c> never answers (so the run must turn both into evidence).
/// </summary>
public sealed class TestToolSource : IAgentToolSource
{
    private readonly Rendezvous _rendezvous = new();

    public string Name => "test";

    public ValueTask<IReadOnlyList<KernelPlugin>> GetPluginsAsync(CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyList<KernelPlugin>>([KernelPluginFactory.CreateFromObject(_rendezvous, "test")]);

    public sealed class Rendezvous
    {
        private readonly object _gate = new();
        private TaskCompletionSource? _waiting;

        [KernelFunction("rendezvous")]
        [Description("Returns its input once another rendezvous call is running at the same time.")]
        public async Task<string> MeetAsync([Description("A value to return")] string value, CancellationToken cancellationToken)
        {
            TaskCompletionSource partner;
            lock (_gate)
            {
                if (_waiting is { } waiting)
                {
                    _waiting = null;
                    waiting.TrySetResult();
                    return value;
                }

                partner = _waiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            try
            {
                await partner.Task.WaitAsync(TimeSpan.FromSeconds(20), cancellationToken);
            }
            catch (TimeoutException)
            {
                lock (_gate)
                {
                    _waiting = null;
                }

                throw new InvalidOperationException("ran alone: no other rendezvous call ran at the same time");
            }

            return value;
        }

        [KernelFunction("broken")]
        [Description("Always fails.")]
        public static string Broken([Description("Ignored")] string input) => throw new InvalidOperationException("the broken tool broke on '" + input + "'");

        [KernelFunction("stall")]
        [Description("Never answers.")]
        public static async Task<string> StallAsync([Description("Ignored")] string input, CancellationToken cancellationToken)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return input;
        }
    }
}
