using Gateway.State;
using Gateway.State.Keys;

namespace Gateway.UnitTests.State;

public sealed class InMemoryKeyStoreTests
{
    private readonly InMemoryKeyStore _store = new();

    [Fact]
    public async Task CreateAsync_NewName_IsFoundByHash()
    {
        var key = Key("team-a", "ABCDEF");

        Assert.True(await _store.CreateAsync(key, default));

        Assert.Equal(key, await _store.FindByHashAsync("abcdef", default));
        Assert.Null(await _store.FindByHashAsync("000000", default));
    }

    [Fact]
    public async Task CreateAsync_NameOrHashTaken_ReturnsFalse()
    {
        await _store.CreateAsync(Key("team-a", "aa"), default);

        Assert.False(await _store.CreateAsync(Key("team-a", "bb"), default));
        Assert.False(await _store.CreateAsync(Key("team-b", "aa"), default));
    }

    [Fact]
    public async Task ListAsync_SeveralKeys_ReturnsThemByName()
    {
        await _store.CreateAsync(Key("b", "02"), default);
        await _store.CreateAsync(Key("a", "01"), default);

        var keys = await _store.ListAsync(default);

        Assert.Equal(["a", "b"], keys.Select(k => k.Name));
    }

    [Fact]
    public async Task RevokeAsync_KnownName_MarksRevokedAndRaisesEvent()
    {
        await _store.CreateAsync(Key("team-a", "aa"), default);
        var revoked = new List<string>();
        _store.KeyRevoked += revoked.Add;

        Assert.True(await _store.RevokeAsync("team-a", default));

        Assert.Equal(["aa"], revoked);
        Assert.True((await _store.FindByHashAsync("aa", default))!.Revoked);
    }

    [Fact]
    public async Task RevokeAsync_UnknownName_ReturnsFalse()
    {
        Assert.False(await _store.RevokeAsync("nobody", default));
    }

    private static StoredKey Key(string name, string hash) =>
        new(name, hash, ["gpt-4o-mini"], false, new KeyLimits(RequestsPerMinute: 10), DateTimeOffset.UnixEpoch);
}
