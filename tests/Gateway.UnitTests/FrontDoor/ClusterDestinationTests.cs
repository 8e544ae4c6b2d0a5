using Gateway.Host.FrontDoor;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Model;

namespace Gateway.UnitTests.FrontDoor;

/// <summary>
/// A request goes to its model's cluster only once the proxy has applied what the catalog says about it: after a
/// reload that moves a model to another upstream, the old cluster is not used.
/// </summary>
public sealed class ClusterDestinationTests : IDisposable
{
    private readonly HttpMessageInvoker _client = new(new SocketsHttpHandler());

    [Theory]
    [InlineData(new[] { "http://first:8080/v1/" }, new[] { "http://first:8080/v1/" }, true)]
    [InlineData(new[] { "http://first:8080/v1/", "http://third:8080/v1/" }, new[] { "http://third:8080/v1/", "http://first:8080/v1/" }, true)]
    [InlineData(new[] { "http://first:8080/v1/" }, new[] { "http://second:8080/v1/" }, false)]
    [InlineData(new[] { "http://first:8080/v1/" }, new[] { "http://first:8080/v1/", "http://second:8080/v1/" }, false)]
    [InlineData(new[] { "http://first:8080/v1/", "http://second:8080/v1/" }, new[] { "http://first:8080/v1/" }, false)]
    [InlineData(new string[0], new string[0], true)]
    public void PointsAt_ConfiguredDestinations_MatchOnlyTheSameAddresses(string[] configured, string[] catalog, bool expected)
    {
        var cluster = new ClusterState(
            "model/one",
            new ClusterModel(
                new ClusterConfig
                {
                    ClusterId = "model/one",
                    Destinations = configured.Select((a, i) => (Id: $"one/{i}", Address: a))
                        .ToDictionary(d => d.Id, d => new DestinationConfig { Address = new Uri(d.Address).ToString() }),
                },
                _client));

        Assert.Equal(expected, ForwardStep.PointsAt(cluster, [.. catalog.Select(a => new Uri(a))]));
    }

    public void Dispose() => _client.Dispose();
}
