using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.Model;

namespace Gateway.Host.Resilience;

/// <summary>
/// Offers a cluster's destinations minus those YARP's health checks marked unhealthy and those
/// whose circuit is open. Once an open circuit's break has elapsed the destination is offered
/// again, so the next request is the probe that closes (or re-opens) it.
/// </summary>
internal sealed class CircuitAwareDestinationsPolicy : IAvailableDestinationsPolicy
{
    public const string PolicyName = "CircuitAware";
    private const string ClusterPrefix = "model/";

    private readonly UpstreamPipelines _pipelines;

    public CircuitAwareDestinationsPolicy(UpstreamPipelines pipelines) => _pipelines = pipelines;

    public string Name => PolicyName;

    public IReadOnlyList<DestinationState> GetAvailalableDestinations(ClusterConfig config, IReadOnlyList<DestinationState> allDestinations)
    {
        var model = config.ClusterId.StartsWith(ClusterPrefix, StringComparison.Ordinal) ? config.ClusterId[ClusterPrefix.Length..] : config.ClusterId;
        var available = new List<DestinationState>(allDestinations.Count);
        foreach (var destination in allDestinations)
        {
            var health = destination.Health;
            if (health.Active == DestinationHealth.Unhealthy || health.Passive == DestinationHealth.Unhealthy)
            {
                continue;
            }

            var address = new Uri(destination.Model.Config.Address).GetLeftPart(UriPartial.Authority);
            if (!_pipelines.IsBlocked(model, address))
            {
                available.Add(destination);
            }
        }

        return available;
    }
}
