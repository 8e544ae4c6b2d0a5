using Gateway.Host.Auth;
using Gateway.Host.Configuration;
using Gateway.State;
using Microsoft.Extensions.Configuration;

namespace Gateway.UnitTests.Auth;

public sealed class KeySnapshotTests
{
    private static KeySnapshot Build(Dictionary<string, string?> settings) =>
        KeySnapshot.Build(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());

    [Fact]
    public void Build_NoKeysByDefault_AcceptsNothing()
    {
        // The development key is public: nothing accepts it unless the operator asks for it.
        var keys = Build([]);

        Assert.False(keys.DevelopmentKeyActive);
        Assert.False(keys.TryAuthenticate(GatewayApiKeys.Development, out _));
    }

    [Fact]
    public void Build_NoKeysDevelopmentKeyAllowed_AcceptsDevelopmentKeyAsAdmin()
    {
        var keys = Build(new() { ["Gateway:AllowDevelopmentKey"] = "true" });

        Assert.True(keys.DevelopmentKeyActive);
        Assert.True(keys.TryAuthenticate(GatewayApiKeys.Development, out var key));
        Assert.True(key.Admin);
        Assert.True(key.Allows("anything"));
    }

    [Fact]
    public void Build_DevelopmentKeyDisabled_AcceptsNothing()
    {
        var keys = Build(new() { ["Gateway:AllowDevelopmentKey"] = "false" });

        Assert.False(keys.TryAuthenticate(GatewayApiKeys.Development, out _));
    }

    [Fact]
    public void Build_ConfiguredKey_AuthenticatesByHashAndRestrictsModels()
    {
        var keys = Build(new()
        {
            ["Gateway:Keys:alice:Hash"] = "sha256:" + KeyHasher.Hash("sk-alice"),
            ["Gateway:Keys:alice:Models:0"] = "m1",
            ["Gateway:Keys:bob:Hash"] = KeyHasher.Hash("sk-bob").ToUpperInvariant(),
            ["Gateway:Keys:carol:Hash"] = KeyHasher.Hash("sk-carol"),
            ["Gateway:Keys:carol:Disabled"] = "true",
        });

        Assert.False(keys.DevelopmentKeyActive);
        Assert.False(keys.TryAuthenticate(GatewayApiKeys.Development, out _));
        Assert.False(keys.TryAuthenticate("sk-carol", out _));
        Assert.True(keys.TryAuthenticate("sk-alice", out var alice));
        Assert.Equal("alice", alice.Name);
        Assert.True(alice.Allows("m1"));
        Assert.False(alice.Allows("m2"));
        Assert.True(keys.TryAuthenticate("sk-bob", out var bob));
        Assert.True(bob.Allows("m2"));
        Assert.False(bob.Admin);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("sha256:zzzz")]
    public void Build_MalformedHash_Throws(string hash)
    {
        Assert.Throws<ConfigurationException>(() => Build(new() { ["Gateway:Keys:x:Hash"] = hash }));
    }

    [Fact]
    public void Hash_KnownVector_MatchesSha256()
    {
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", KeyHasher.Hash("abc"));
    }
}
