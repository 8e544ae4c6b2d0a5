using Gateway.Host.Auth;
using Gateway.Host.Errors;
using Gateway.Host.State;

namespace Gateway.Host.FrontDoor;

internal sealed record Admission(long Tokens, decimal Spend);

internal static class AdmissionShim
{
    public static async ValueTask<(GatewayError? Error, Admission? Admission)> AdmitAsync(this LimitEnforcer limits, HttpContext context, VirtualKey key, (long Tokens, decimal Spend) charge)
    {
        var error = await limits.AcquireAsync(context, key);
        return (error, error is null ? new Admission(charge.Tokens, charge.Spend) : null);
    }

    public static ValueTask SettleAsync(this LimitEnforcer limits, VirtualKey key, Admission admission, long tokens, decimal spend) =>
        limits.RecordAsync(key, tokens, spend);
}

internal static class LimitEnforcerCallExtensions
{
    public static async ValueTask<GatewayError?> AdmitCallAsync(this LimitEnforcer limits, VirtualKey key, CancellationToken cancellationToken)
    {
        var context = new DefaultHttpContext();
        return await limits.AcquireAsync(context, key);
    }
}
