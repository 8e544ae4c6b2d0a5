using System.Text;
using Gateway.Errors;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Gateway.UnitTests.Errors;

public sealed class GatewayErrorWriterTests
{
    [Fact]
    public void Serialize_EveryField_WritesTheEnvelopeInOpenAIsOrder()
    {
        var error = new GatewayError(400, "Bad 'model'.", OpenAIErrorTypes.InvalidRequest, "model", "model_not_found");

        var json = Encoding.UTF8.GetString(GatewayErrorWriter.Serialize(error));

        // Quotes stay readable: the body is JSON for API clients, never embedded in HTML.
        Assert.Equal("""{"error":{"message":"Bad 'model'.","type":"invalid_request_error","param":"model","code":"model_not_found"}}""", json);
    }

    [Fact]
    public void Serialize_NoParamNoCode_WritesThemAsNull()
    {
        var json = Encoding.UTF8.GetString(GatewayErrorWriter.Serialize(new GatewayError(500, "m", OpenAIErrorTypes.Server)));

        Assert.Equal("""{"error":{"message":"m","type":"server_error","param":null,"code":null}}""", json);
    }

    [Fact]
    public async Task WriteAsync_Error_AnswersWithItsStatusJsonAndTheEnvelope()
    {
        var (context, body) = Context();
        var error = GatewayError.ModelNotFound("nope");

        await GatewayErrorWriter.WriteAsync(context, error);

        Assert.Equal(404, context.Response.StatusCode);
        Assert.Equal("application/json", context.Response.ContentType);
        Assert.False(context.Response.Headers.ContainsKey("Retry-After"));
        Assert.Equal(GatewayErrorWriter.Serialize(error), body.ToArray());
    }

    [Theory]
    [InlineData(1200, "2")] // 1.2 s rounds up: a client that waits less would be refused again.
    [InlineData(100, "1")]  // Never 0, which would invite an immediate retry.
    [InlineData(3000, "3")]
    public async Task WriteAsync_RetryAfter_SendsWholeSecondsRoundedUp(int milliseconds, string expected)
    {
        var (context, _) = Context();

        await GatewayErrorWriter.WriteAsync(context,
            new GatewayError(429, "busy", OpenAIErrorTypes.RateLimit) { RetryAfter = TimeSpan.FromMilliseconds(milliseconds) });

        Assert.Equal(expected, context.Response.Headers.RetryAfter.ToString());
    }

    [Fact]
    public async Task WriteAsync_ResponseStarted_WritesNothing()
    {
        var (context, body) = Context();
        context.Features.Set<IHttpResponseFeature>(new StartedResponse { StatusCode = 200 });

        await GatewayErrorWriter.WriteAsync(context, GatewayError.Internal("req-1"));

        Assert.Equal(200, context.Response.StatusCode);
        Assert.Equal(0, body.Length);
    }

    [Fact]
    public async Task ErrorResult_Execute_WritesTheError()
    {
        var (context, body) = Context();
        var error = GatewayError.AdminRequired();

        await new ErrorResult(error).ExecuteAsync(context);

        Assert.Equal(403, context.Response.StatusCode);
        Assert.Equal(GatewayErrorWriter.Serialize(error), body.ToArray());
    }

    private static (DefaultHttpContext Context, MemoryStream Body) Context()
    {
        var body = new MemoryStream();
        var context = new DefaultHttpContext();
        context.Response.Body = body;
        return (context, body);
    }

    private sealed class StartedResponse : HttpResponseFeature
    {
        public override bool HasStarted => true;
    }
}
