using Gateway.Errors;
using Gateway.Host.Catalog;
using Yarp.ReverseProxy.Forwarder;

namespace Gateway.Host.Proxy;

/// <summary>Maps forwarding failures and upstream server errors to errors that say which upstream failed.</summary>
internal static class UpstreamErrors
{
    public static GatewayError FromForwarder(CatalogModel model, IForwarderErrorFeature error, int status)
    {
        var upstream = $"upstream for model '{model.Name}' ({model.DescribeUpstream()})";
        if (error.Exception is Polly.CircuitBreaker.BrokenCircuitException)
        {
            return GatewayError.Upstream(StatusCodes.Status503ServiceUnavailable,
                $"The {upstream} is failing; its circuit is open.", "upstream_circuit_open");
        }

        if (error.Exception is Polly.Timeout.TimeoutRejectedException)
        {
            return GatewayError.Upstream(StatusCodes.Status504GatewayTimeout,
                $"The {upstream} sent no response within {model.Resilience.FirstByteTimeout.TotalSeconds:0.###} s.", "upstream_timeout");
        }

        if (model.IsLocal && error.Error is not (ForwarderError.NoAvailableDestinations or ForwarderError.RequestTimedOut))
        {
            // The model's own server went away under the request (it crashed, or the pool restarted it as hung).
            return GatewayError.Upstream(StatusCodes.Status503ServiceUnavailable,
                $"The local model '{model.Name}' stopped while answering this request; its server is being restarted. Retry shortly.", "model_unavailable")
                with
            { RetryAfter = TimeSpan.FromSeconds(1) };
        }

        return error.Error switch
        {
            ForwarderError.NoAvailableDestinations => GatewayError.Upstream(StatusCodes.Status503ServiceUnavailable,
                $"No healthy destination is available for the {upstream}.", "upstream_unavailable"),
            ForwarderError.RequestTimedOut => GatewayError.Upstream(StatusCodes.Status504GatewayTimeout,
                $"The {upstream} did not answer within {model.Timeout.TotalSeconds:0.###} s.", "upstream_timeout"),
            ForwarderError.Request => GatewayError.Upstream(StatusCodes.Status502BadGateway,
                $"The {upstream} could not be reached: {Describe(error.Exception)}", "upstream_unreachable"),
            _ => GatewayError.Upstream(status >= 500 ? status : StatusCodes.Status502BadGateway,
                $"The {upstream} failed ({error.Error}): {Describe(error.Exception)}", "upstream_error"),
        };
    }

    /// <summary>The status the gateway answers with when the upstream itself returned a 5xx.</summary>
    public static GatewayError FromUpstreamStatus(CatalogModel model, int upstreamStatus, string? upstreamMessage)
    {
        var status = upstreamStatus is StatusCodes.Status503ServiceUnavailable or StatusCodes.Status504GatewayTimeout or StatusCodes.Status429TooManyRequests
            ? upstreamStatus
            : StatusCodes.Status502BadGateway;
        var detail = string.IsNullOrWhiteSpace(upstreamMessage) ? string.Empty : $": {upstreamMessage}";
        return GatewayError.Upstream(status,
            $"The upstream for model '{model.Name}' ({model.DescribeUpstream()}) returned HTTP {upstreamStatus}{detail}", "upstream_error");
    }

    /// <summary>
    /// What went wrong, in words a caller may read: the gateway's own messages, else the kind of failure. A socket's
    /// message names the upstream's address, which is internal.
    /// </summary>
    public static string Describe(Exception? exception)
    {
        for (var inner = exception; inner is not null; inner = inner.InnerException)
        {
            switch (inner)
            {
                case TimeoutException or InvalidDataException:
                    return inner.Message;
                case HttpRequestException { HttpRequestError: not HttpRequestError.Unknown } http:
                    return http.HttpRequestError switch
                    {
                        HttpRequestError.NameResolutionError => "its name could not be resolved",
                        HttpRequestError.ConnectionError => "the connection failed",
                        HttpRequestError.SecureConnectionError => "the TLS connection failed",
                        HttpRequestError.ResponseEnded => "the response ended early",
                        HttpRequestError.InvalidResponse => "the response was not valid HTTP",
                        _ => "the HTTP exchange failed",
                    };
            }
        }

        return exception is null ? "no details" : "the connection was lost";
    }
}
