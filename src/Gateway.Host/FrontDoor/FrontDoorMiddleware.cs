using System.Buffers;
using Gateway.Host.Auth;
using Gateway.Host.Catalog;
using Gateway.Host.Configuration;
using Gateway.Host.Errors;
using Gateway.Host.Proxy;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace Gateway.Host.FrontDoor;

/// <summary>
/// The first step of the proxy pipeline for OpenAI operations: authenticate, read and validate
/// the body, resolve the model, check the key may use it, rewrite <c>model</c> to the upstream's
/// id and hand the request to the model's YARP cluster. After forwarding it turns proxy and
/// upstream failures into OpenAI-shaped errors that name the upstream.
/// </summary>
internal sealed class FrontDoorMiddleware
{
    private readonly RequestDelegate _next;
    private readonly KeyStore _keys;
    private readonly ReloadingSnapshot<CatalogSnapshot> _catalog;
    private readonly IProxyStateLookup _proxyState;
    private readonly IOptionsMonitor<GatewayOptions> _options;

    public FrontDoorMiddleware(RequestDelegate next, KeyStore keys, ReloadingSnapshot<CatalogSnapshot> catalog,
        IProxyStateLookup proxyState, IOptionsMonitor<GatewayOptions> options)
    {
        _next = next;
        _keys = keys;
        _catalog = catalog;
        _proxyState = proxyState;
        _options = options;
    }

    public async Task InvokeAsync(HttpContext context)
    {
        var feature = context.Features.Get<GatewayRequestFeature>()!;
        var error = _keys.Authenticate(context.Request, out var key);
        if (error is not null)
        {
            await GatewayErrorWriter.WriteAsync(context, error);
            return;
        }

        feature.Key = key;
        var body = await RequestBodyReader.ReadAsync(context.Request, _options.CurrentValue.MaxRequestBodyBytes, context.RequestAborted);
        if (body.Error is not null)
        {
            await GatewayErrorWriter.WriteAsync(context, body.Error);
            return;
        }

        var buffer = body.Buffer!;
        try
        {
            error = Prepare(context, feature, buffer.AsSpan(0, body.Length), out var cluster, out var rewritten);
            if (error is not null)
            {
                await GatewayErrorWriter.WriteAsync(context, error);
                return;
            }

            context.ReassignProxyRequest(cluster!);
            var request = context.Request;
            request.Body = rewritten is null ? new MemoryStream(buffer, 0, body.Length, writable: false) : new MemoryStream(rewritten, writable: false);
            request.ContentLength = rewritten?.Length ?? body.Length;
            request.Headers.TransferEncoding = default;
            context.Response.Headers["x-gateway-model"] = feature.Model!.Name;

            await _next(context);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        await ReportFailureAsync(context, feature);
    }

    private GatewayError? Prepare(HttpContext context, GatewayRequestFeature feature, ReadOnlySpan<byte> body,
        out ClusterState? cluster, out byte[]? rewritten)
    {
        cluster = null;
        rewritten = null;
        var operation = CatalogProxyConfigProvider.OperationOf(context.GetRouteModel().Config.RouteId);
        var error = RequestValidator.Validate(body, operation, out var parsed);
        if (error is not null)
        {
            return error;
        }

        if (!_catalog.Current.TryGet(parsed.Model, out var model))
        {
            return GatewayError.ModelNotFound(parsed.Model);
        }

        if (!feature.Key!.Allows(model.Name))
        {
            return GatewayError.ModelNotAllowed(model.Name, feature.Key.Name);
        }

        if (!_proxyState.TryGetCluster(model.ClusterId, out cluster))
        {
            // The catalog swapped in a model whose cluster YARP has not applied yet.
            return GatewayError.Upstream(StatusCodes.Status503ServiceUnavailable, $"The model '{model.Name}' is still being configured; retry shortly.", "model_unavailable");
        }

        feature.Model = model;
        feature.Stream = parsed.Stream;
        var original = body.Slice(parsed.ModelStart, parsed.ModelLength);
        if (!original.SequenceEqual(model.UpstreamModelJson))
        {
            rewritten = new byte[body.Length - parsed.ModelLength + model.UpstreamModelJson.Length];
            body[..parsed.ModelStart].CopyTo(rewritten);
            model.UpstreamModelJson.CopyTo(rewritten.AsSpan(parsed.ModelStart));
            body[(parsed.ModelStart + parsed.ModelLength)..].CopyTo(rewritten.AsSpan(parsed.ModelStart + model.UpstreamModelJson.Length));
        }

        return null;
    }

    private static Task ReportFailureAsync(HttpContext context, GatewayRequestFeature feature)
    {
        if (context.Response.HasStarted || feature.Model is not { } model)
        {
            return Task.CompletedTask;
        }

        if (feature.UpstreamError is { } upstreamError)
        {
            return GatewayErrorWriter.WriteAsync(context, upstreamError);
        }

        var forwarderError = context.Features.Get<IForwarderErrorFeature>();
        if (forwarderError is null || forwarderError.Error is ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled)
        {
            return Task.CompletedTask;
        }

        return GatewayErrorWriter.WriteAsync(context, UpstreamErrors.FromForwarder(model, forwarderError, context.Response.StatusCode));
    }
}
