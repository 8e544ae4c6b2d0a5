using Gateway.Host.Catalog;
using Gateway.Host.Configuration;

namespace Gateway.Host.Api;

/// <summary><c>/alive</c>: the process answers. <c>/health</c>: ready to take traffic, with a short status.</summary>
internal static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/alive", () => Results.Text("alive"));
        endpoints.MapGet("/health", (ReloadingSnapshot<CatalogSnapshot> catalog) =>
            Results.Json(new { status = "ready", models = catalog.Current.Models.Count }));
        return endpoints;
    }
}
