using System.Text.Json;
using Gateway.Errors;
using Gateway.Host.Auth;
using Gateway.Host.Configuration;
using Gateway.Host.FrontDoor;
using Gateway.State;
using Microsoft.Extensions.Options;

namespace Gateway.Host.Api;

/// <summary>
/// <c>POST /v1/feedback {"request_id","score"}</c>: scores an earlier answer (score in [0,1]) for router retraining.
/// A key may score only the requests it made itself; an admin key may score any.
/// </summary>
internal static class FeedbackEndpoints
{
    public static IEndpointRouteBuilder MapFeedbackEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/v1/feedback", FeedbackAsync).RequireAuthorization(GatewayPolicies.Key);
        return endpoints;
    }

    private static async Task<IResult> FeedbackAsync(HttpContext context, IFeedbackStore feedback, IOptionsMonitor<GatewayOptions> options)
    {
        var key = GatewayPolicies.KeyOf(context.User)!;
        string? requestId;
        double score;
        var (parsed, bodyError) = await RequestBodyReader.ReadJsonAsync(context.Request, options.CurrentValue.MaxRequestBodyBytes, context.RequestAborted);
        if (parsed is null)
        {
            return new ErrorResult(bodyError!);
        }

        using (var document = parsed)
        {
            var root = document.RootElement;
            requestId = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("request_id", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null;
            if (requestId is null)
            {
                return new ErrorResult(GatewayError.BadRequest("'request_id' (a string) is required.", "request_id", "missing_required_parameter"));
            }

            if (!root.TryGetProperty("score", out var s) || s.ValueKind != JsonValueKind.Number || !s.TryGetDouble(out score) || score is < 0 or > 1)
            {
                return new ErrorResult(GatewayError.BadRequest("'score' must be a number between 0 and 1.", "score", "invalid_value"));
            }
        }

        try
        {
            // Another key's request is "not found", so ids of other tenants' requests cannot be probed.
            return await feedback.AddFeedbackAsync(requestId, score, key.Admin ? null : key.Id, context.RequestAborted)
                ? Results.Json(new { @object = "feedback", request_id = requestId, score })
                : new ErrorResult(new GatewayError(StatusCodes.Status404NotFound,
                    $"No recent request with id '{requestId}' (it may have expired).", OpenAIErrorTypes.InvalidRequest, "request_id", "request_not_found"));
        }
        catch (StateStoreUnavailableException ex)
        {
            return new ErrorResult(GatewayError.Upstream(StatusCodes.Status503ServiceUnavailable, $"{ex.Message} Retry shortly.", "state_store_unavailable"));
        }
    }
}
