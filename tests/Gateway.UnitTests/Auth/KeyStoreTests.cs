using Gateway.Configuration;
using Gateway.Host.Auth;
using Gateway.Host.Configuration;
using Gateway.State;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.UnitTests.Auth;

public sealed class KeyStoreTests
{
    /// <summary>Managed keys in memory, counting how often each hash is looked up.</summary>
    private sealed class CountingKeyStore : IKeyStore
    {
        public Dictionary<string, StoredKey> Keys { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, int> Lookups { get; } = new(StringComparer.Ordinal);

        public event Action<string>? KeyRevoked { add { } remove { } }

        public ValueTask<StoredKey?> FindByHashAsync(string hash, CancellationToken cancellationToken)
        {
            Lookups[hash] = Lookups.GetValueOrDefault(hash) + 1;
            return ValueTask.FromResult(Keys.GetValueOrDefault(hash));
        }

        public ValueTask<bool> CreateAsync(StoredKey key, CancellationToken cancellationToken) => ValueTask.FromResult(Keys.TryAdd(key.Hash, key));

        public ValueTask<IReadOnlyList<StoredKey>> ListAsync(CancellationToken cancellationToken) => ValueTask.FromResult<IReadOnlyList<StoredKey>>([.. Keys.Values]);

        public ValueTask<bool> RevokeAsync(string name, CancellationToken cancellationToken) => ValueTask.FromResult(false);
    }

    private static KeyStore Create(CountingKeyStore managed, TimeProvider time, bool developmentKey = false)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Gateway:AllowDevelopmentKey"] = developmentKey ? "true" : "false",
        }).Build();
        var snapshot = new ReloadingSnapshot<KeySnapshot>(configuration, GatewayOptions.SectionName, KeySnapshot.Build, new ConfigurationFiles(), NullLogger.Instance);
        return new KeyStore(snapshot, managed, time);
    }

    private static HttpRequest Bearer(string key)
    {
        var context = new DefaultHttpContext();
        context.Request.Headers.Authorization = "Bearer " + key;
        return context.Request;
    }

    [Fact]
    public async Task AuthenticateAsync_XApiKeyHeader_AuthenticatesAndAuthorizationWinsOverIt()
    {
        var managed = new CountingKeyStore();
        var hash = KeyHasher.Hash("sk-valid");
        managed.Keys[hash] = new StoredKey("valid", hash, [], false, KeyLimits.None, DateTimeOffset.UnixEpoch);
        using var keys = Create(managed, new FakeTimeProvider());
        var apiKey = new DefaultHttpContext().Request;
        apiKey.Headers["x-api-key"] = "sk-valid";
        var both = Bearer("sk-wrong");
        both.Headers["x-api-key"] = "sk-valid";

        Assert.Equal("valid", (await keys.AuthenticateAsync(apiKey, default)).Key?.Name);
        Assert.Equal("invalid_api_key", (await keys.AuthenticateAsync(both, default)).Error?.Code);
    }

    [Fact]
    public async Task AuthenticateAsync_FloodOfUnknownKeys_ValidKeyStaysRemembered()
    {
        var managed = new CountingKeyStore();
        var hash = KeyHasher.Hash("sk-valid");
        managed.Keys[hash] = new StoredKey("valid", hash, [], false, KeyLimits.None, DateTimeOffset.UnixEpoch);
        using var keys = Create(managed, new FakeTimeProvider());
        Assert.NotNull((await keys.AuthenticateAsync(Bearer("sk-valid"), default)).Key);

        // More unknown keys than the store remembers.
        for (var i = 0; i < 10_050; i++)
        {
            Assert.NotNull((await keys.AuthenticateAsync(Bearer("sk-unknown-" + i), default)).Error);
        }

        Assert.NotNull((await keys.AuthenticateAsync(Bearer("sk-valid"), default)).Key);
        Assert.Equal(1, managed.Lookups[hash]);
    }

    [Fact]
    public async Task AuthenticateAsync_DevelopmentKeyOnceAManagedKeyExists_Refused()
    {
        var managed = new CountingKeyStore();
        var time = new FakeTimeProvider();
        using var keys = Create(managed, time, developmentKey: true);
        Assert.NotNull((await keys.AuthenticateAsync(Bearer(GatewayApiKeys.Development), default)).Key);

        // Created on another replica: seen at the next check, a second later.
        var hash = KeyHasher.Hash("sk-other");
        managed.Keys[hash] = new StoredKey("other", hash, [], true, KeyLimits.None, DateTimeOffset.UnixEpoch);
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal("invalid_api_key", (await keys.AuthenticateAsync(Bearer(GatewayApiKeys.Development), default)).Error!.Code);
        Assert.False(keys.DevelopmentKeyActive);
    }
}
