using System.Net;
using Gateway.Agents.Configuration;
using Gateway.Agents.Tools.BuiltIn;

namespace Gateway.UnitTests.Agents;

public sealed class HttpGetRulesTests
{
    [Theory]
    [InlineData("127.0.0.1", "loopback")]
    [InlineData("127.255.0.9", "loopback")]
    [InlineData("10.1.2.3", "private")]
    [InlineData("172.16.0.1", "private")]
    [InlineData("172.31.255.255", "private")]
    [InlineData("192.168.1.1", "private")]
    [InlineData("169.254.169.254", "link-local")]
    [InlineData("100.64.0.1", "shared (CGNAT)")]
    [InlineData("100.127.255.254", "shared (CGNAT)")]
    [InlineData("0.0.0.0", "unspecified")]
    [InlineData("224.0.0.251", "multicast")]
    [InlineData("255.255.255.255", "reserved")]
    [InlineData("::", "unspecified")]
    [InlineData("::1", "loopback")]
    [InlineData("fe80::1", "link-local")]
    [InlineData("fc00::1", "unique-local")]
    [InlineData("fd12:3456::1", "unique-local")]
    [InlineData("ff02::1", "multicast")]
    [InlineData("::ffff:127.0.0.1", "IPv4-mapped loopback")]
    [InlineData("::ffff:10.0.0.1", "IPv4-mapped private")]
    [InlineData("::127.0.0.1", "IPv4-compatible")]
    [InlineData("64:ff9b::a9fe:a9fe", "NAT64 link-local")]
    [InlineData("2002:7f00:1::1", "6to4 loopback")]
    public void WhyRefused_InternalAddress_NamesTheRange(string address, string expected)
    {
        Assert.Equal(expected, HttpGetAddressRules.WhyRefused(IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData("93.184.215.14")]
    [InlineData("100.128.0.1")]   // just above 100.64/10
    [InlineData("172.32.0.1")]    // just above 172.16/12
    [InlineData("203.0.113.7")]
    [InlineData("2606:4700:4700::1111")]
    [InlineData("::ffff:93.184.215.14")]
    [InlineData("64:ff9b::5db8:d70e")]
    public void WhyRefused_PublicAddress_Null(string address)
    {
        Assert.Null(HttpGetAddressRules.WhyRefused(IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData("example.org", "http://example.org/a", true)]
    [InlineData("example.org", "https://EXAMPLE.org/a", true)]
    [InlineData("example.org", "http://example.org:443/", false)]
    [InlineData("example.org", "https://example.org:80/", false)]
    [InlineData("example.org", "http://example.org:8080/", false)]
    [InlineData("example.org", "http://sub.example.org/", false)]
    [InlineData("example.org:8080", "http://example.org:8080/", true)]
    [InlineData("example.org:8080", "https://example.org:8080/", true)]
    [InlineData("example.org:8080", "http://example.org/", false)]
    [InlineData("[::1]:8080", "http://[::1]:8080/", true)]
    [InlineData("[::1]:8080", "http://[0:0::1]:8080/", true)]
    [InlineData("::1", "http://[::1]/", true)]
    [InlineData("::1", "http://[::1]:8080/", false)]
    [InlineData("[::ffff:127.0.0.1]:81", "http://[::ffff:7f00:1]:81/", true)]
    public void Allows_HostAndPort_OnlyTheListedPortOrTheSchemesDefault(string entry, string url, bool expected)
    {
        Assert.Equal(expected, HttpGetAllowList.Parse([entry]).Allows(new Uri(url)));
    }

    [Theory]
    [InlineData("example.org:0")]
    [InlineData("example.org:65536")]
    [InlineData("example.org:http")]
    [InlineData("user@example.org")]
    [InlineData("example.org/path")]
    [InlineData("[::1]8080")]
    [InlineData("")]
    public void Parse_NotHostOrHostPort_FormatException(string entry)
    {
        var error = Assert.Throws<FormatException>(() => HttpGetAllowList.Parse([entry]));

        Assert.Contains($"'{entry}'", error.Message);
    }

    [Fact]
    public void SettingsFrom_OutOfRange_NamesTheSetting()
    {
        var timeout = Assert.Throws<FormatException>(() => HttpGetSettings.From(new HttpGetOptions { AllowedHosts = ["a.example"], Timeout = TimeSpan.Zero }));
        var chars = Assert.Throws<FormatException>(() => HttpGetSettings.From(new HttpGetOptions { AllowedHosts = ["a.example"], MaxResponseChars = 0 }));

        Assert.Contains("Gateway:Tools:Http:Timeout", timeout.Message);
        Assert.Contains("Gateway:Tools:Http:MaxResponseChars", chars.Message);
    }
}
