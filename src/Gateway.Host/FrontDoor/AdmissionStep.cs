using Gateway.Errors;
using Gateway.Host.Agents;
using Gateway.Host.Catalog;
using Gateway.Host.Configuration;
using Gateway.Host.State;
using Gateway.State;
using Microsoft.Extensions.Options;

namespace Gateway.Host.FrontDoor;

/// <summary>
/// Counts the request against its key's limits and reserves what it may use (see <see cref="UsageEstimate.Reservation"/>),
/// before any model is chosen or called: a key over its limits gets its 429 without costing a routing decision, and
/// concurrent requests cannot together overshoot a token or budget limit by more than one request's reservation.
/// The reservation is settled to the real usage by <see cref="AccountingStep"/>.
/// </summary>
internal sealed class AdmissionStep(RequestDelegate next, LimitEnforcer limits, ReloadingSnapshot<CatalogSnapshot> catalog, IOptionsMonitor<LimitsOptions> options)
{
    // Not async where it has nothing to wait for: a key without limits costs no state machine on the hot path.
    public Task InvokeAsync(HttpContext context)
    {
        var feature = context.Feature();
        return feature.Key!.Limits is null ? next(context) : AdmitAsync(context, feature);
    }

    private async Task AdmitAsync(HttpContext context, GatewayRequestFeature feature)
    {
        var key = feature.Key!;

        // An agent's own model calls come back through this door with the same key and are metered there.
        var charge = AgentFrontDoor.IsAgent(feature.Parsed.Model)
            ? LimitCharge.None
            : UsageEstimate.Reservation(feature, catalog.Current, key, options.CurrentValue.DefaultReservedCompletionTokens);
        var (error, reservation) = await limits.AcquireAsync(context, key, charge);
        if (error is not null)
        {
            await GatewayErrorWriter.WriteAsync(context, error);
            return;
        }

        feature.Admitted = true;
        feature.Reservation = reservation;
        await next(context);
    }
}
