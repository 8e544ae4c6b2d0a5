using Gateway.Routing;
using Gateway.Routing.Decision;

namespace Gateway.UnitTests.Routing;

public sealed class HardConstraintsTests
{
    private static readonly CandidateDescriptor Model = new("m", PricePerMTokInput: 0.5, PricePerMTokOutput: 1.5, ContextLength: 4096);

    [Fact]
    public void Check_NoConstraintBroken_Eligible() =>
        Assert.Null(HardConstraints.Check(Model, true, RouteConstraints.None, 1000, 256));

    [Fact]
    public void Check_NoCapabilityVector_Rejected() =>
        Assert.Equal(HardConstraints.NoCapability, HardConstraints.Check(Model, false, RouteConstraints.None, 10, 0));

    [Fact]
    public void Check_Unhealthy_Rejected() =>
        Assert.Equal(HardConstraints.Unhealthy, HardConstraints.Check(Model with { Healthy = false }, true, RouteConstraints.None, 10, 0));

    [Fact]
    public void Check_DenyList_Rejected() =>
        Assert.Equal(HardConstraints.Denied, HardConstraints.Check(Model, true, new RouteConstraints(Deny: new HashSet<string> { "m" }), 10, 0));

    [Fact]
    public void Check_AllowListWithoutModel_Rejected()
    {
        Assert.Equal(HardConstraints.NotAllowed, HardConstraints.Check(Model, true, new RouteConstraints(Allow: new HashSet<string> { "other" }), 10, 0));
        Assert.Null(HardConstraints.Check(Model, true, new RouteConstraints(Allow: new HashSet<string> { "m" }), 10, 0));
    }

    [Fact]
    public void Check_KeyDoesNotAllowModel_Rejected()
    {
        Assert.Equal(HardConstraints.NotAllowedByKey, HardConstraints.Check(Model, true, new RouteConstraints(AllowedByKey: new HashSet<string>()), 10, 0));
        Assert.Null(HardConstraints.Check(Model, true, new RouteConstraints(AllowedByKey: new HashSet<string> { "m" }), 10, 0));
    }

    [Fact]
    public void Check_PromptPlusOutputExceedsContext_Rejected()
    {
        Assert.Equal(HardConstraints.ContextTooSmall, HardConstraints.Check(Model, true, RouteConstraints.None, 4000, 97));
        Assert.Null(HardConstraints.Check(Model, true, RouteConstraints.None, 4000, 96));
    }

    [Fact]
    public void Check_OutputPriceAboveMax_Rejected()
    {
        Assert.Equal(HardConstraints.OverMaxPrice, HardConstraints.Check(Model, true, new RouteConstraints(MaxPricePerMTok: 1.0), 10, 0));
        Assert.Null(HardConstraints.Check(Model, true, new RouteConstraints(MaxPricePerMTok: 1.5), 10, 0));
    }

    [Fact]
    public void Route_BestCandidateBreaksConstraint_NextOneChosenAndReasonReported()
    {
        var artifact = RouterTestKit.Artifact(("best", 0.9f), ("second", 0.6f), ("third", 0.3f));
        var router = RouterTestKit.Router(artifact, [new("best", ContextLength: 8), new("second"), new("third", Healthy: false), new("unknown")]);

        var decision = router.Route(new RouteRequest("a prompt long enough to overflow eight tokens of context window", ExpectedOutputTokens: 0));

        Assert.Equal("second", decision.Best?.Name);
        Assert.Single(decision.Ranked);
        Assert.Equal(
            [("best", HardConstraints.ContextTooSmall), ("third", HardConstraints.Unhealthy), ("unknown", HardConstraints.NoCapability)],
            decision.Rejected.Select(r => (r.Name, r.Reason)));
    }

    [Fact]
    public void Route_EveryCandidateRejected_NoBest()
    {
        var router = RouterTestKit.Router(RouterTestKit.Artifact(("a", 0.5f)), [new("a")]);

        var decision = router.Route(new RouteRequest("hi", Constraints: new RouteConstraints(Deny: new HashSet<string> { "a" })));

        Assert.Null(decision.Best);
        Assert.Empty(decision.Ranked);
    }
}
